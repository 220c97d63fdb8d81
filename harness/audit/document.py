"""The audit as one JSON document (``schema/audit.schema.json``): what every output format
(``harness/audit/formats/``) is made from."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema

from harness import results
from harness.audit.ignore_file import Ignore, active
from harness.audit.lockfiles import Locked
from harness.audit.static import Change, CheckAnswer, Finding
from harness.corpus.answer import Known
from harness.corpus.metadata import ROOT, Case
from harness.run import interpreters

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schema" / "audit.schema.json").read_text()
)
SCHEMA_NAME, SCHEMA_VERSION = "leak-corpus/audit", 1


def _location(finding: Finding) -> dict[str, Any]:
    pin = finding.pin
    return {"path": str(pin.path) if pin.path else None, "line": pin.line or None}


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _check(c: CheckAnswer) -> dict[str, Any]:
    found = c.found
    return {
        "check": c.check,
        "outcome": str(c.outcome) if c.outcome else None,
        "known": str(found.known),
        "how": found.why,
        "cells": [
            {"file": cell.file, "variant": cell.variant, "run": cell.run} for cell in found.cells
        ],
        "nearest": {
            "below": found.below.release if found.below else None,
            "above": found.above.release if found.above else None,
        },
        "assumptions": found.assumptions if found.known == Known.SIMULATED else None,
        "why": c.why,
        "clean_from": c.clean_from,
    }


def _finding(finding: Finding, ignores: list[Ignore], today: datetime.date) -> dict[str, Any]:
    case = finding.case
    ignore = active(ignores, case.id, today)
    patches = sorted({_shown(v.patch) for v in case.variants.values() if v.patch is not None})
    return {
        "case": case.id,
        "title": case.title,
        "issue": case.issue,
        "package": case.package,
        "version": finding.pin.version or "unknown",
        "python": finding.python,
        "python_full": finding.python_full,
        "platform": finding.platform,
        "location": _location(finding),
        "status": str(finding.status),
        "note": finding.answer.note,
        "checks": [_check(c) for c in finding.answer.checks],
        "first_clean_on_line": finding.first_clean_on_line,
        "first_clean": finding.first_clean,
        "fix": case.fix,
        "patches": patches,
        "workaround": (
            {
                "file": _shown(case.workaround.file),
                "summary": case.workaround.summary,
                "cost": case.workaround.cost,
            }
            if case.workaround
            else None
        ),
        "ignored": {"reason": ignore.reason, "expires": _day(ignore.expires)} if ignore else None,
    }


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _answer(a: Any) -> dict[str, Any]:
    return {"outcome": str(a.outcome) if a.outcome else None, "why": a.why}


def document(
    locked: Locked,
    findings: list[Finding],
    pythons: list[str],
    platform: str,
    ignores: list[Ignore],
    cases: list[Case],
    today: datetime.date,
    upgrade: dict[str, Any] | None = None,
    verify: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The audit as one JSON document; ``exit_status`` is filled in by the caller."""
    pinned = {f.case.id for f in findings}
    doc = {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "created": results.now(),
        "corpus": results.corpus_commit(),
        "input": {
            "path": str(locked.path) if locked.path else None,
            "format": locked.format,
            "notes": list(locked.notes),
        },
        "pythons": pythons,
        "read_as": {p: interpreters.full_version(p) for p in pythons},
        "platform": platform,
        "findings": [_finding(f, ignores, today) for f in findings],
        "not_pinned": sorted(f"{c.id} ({c.package})" for c in cases if c.id not in pinned),
        "ignores": [
            {
                "case": i.case,
                "reason": i.reason,
                "expires": _day(i.expires),
                "expired": i.expired(today),
                "message": i.describe(today),
            }
            for i in ignores
        ],
        "upgrade": upgrade,
        "verify": verify,
        "exit_status": None,
    }
    return doc


def upgrade_part(package: str, old: str | None, new: str, changes: list[Change]) -> dict[str, Any]:
    return {
        "package": package,
        "from": old,
        "to": new,
        "changes": [
            {
                "case": c.case,
                "check": c.check,
                "python": c.python,
                "kind": c.kind,
                "before": _answer(c.before),
                "after": _answer(c.after),
            }
            for c in changes
        ],
    }


def validate(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if doc is not a valid audit document."""
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)


def hits(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Affected findings that no active ignore covers."""
    return [f for f in doc["findings"] if f["status"] == "affected" and not f["ignored"]]
