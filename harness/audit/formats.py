"""The audit's outputs: one JSON document (``schema/audit.schema.json``) and, made from it, a
terminal table, SARIF 2.1.0 and Markdown for a CI job summary."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from harness import results
from harness.audit.ignore_file import Ignore, active
from harness.audit.lockfiles import Locked
from harness.audit.static import Change, CheckAnswer, Finding
from harness.corpus.answer import Known
from harness.corpus.metadata import ROOT, Case
from harness.outcomes import Outcome, shorten
from harness.run import interpreters

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schema" / "audit.schema.json").read_text()
)
SCHEMA_NAME, SCHEMA_VERSION = "leak-corpus/audit", 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "leak-corpus-audit"


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


def _pythons(doc: dict[str, Any]) -> str:
    """ "3.11 (read as 3.11.7)": an X.Y says the patch level it stands for."""
    return ", ".join(
        p if p == full else f"{p} (read as {full})" for p, full in doc["read_as"].items()
    )


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


def _where(f: dict[str, Any]) -> str:
    loc = f["location"]
    if not loc["path"]:
        return "environment"
    return f"{loc['path']}:{loc['line']}" if loc["line"] else loc["path"]


def _clean(f: dict[str, Any]) -> str:
    """Only an affected pin is shown an upgrade."""
    if f["status"] != "affected":
        return "-"
    return f"{f['first_clean_on_line'] or 'none'} / {f['first_clean'] or 'none'}"


def _check_lines(f: dict[str, Any]) -> list[str]:
    """Per check: the outcome, how it is known (measured, inferred, simulated, not run) and
    the upstream fact of its rule."""
    lines = []
    for c in f["checks"]:
        since = ""
        if c["outcome"] == Outcome.LEAK:
            since = (
                f" (gone from {c['clean_from']})" if c["clean_from"] else " (no release ends it)"
            )
        why = f"; {c['why']}" if c["why"] and c["known"] in ("measured", "simulated") else ""
        lines.append(f"{c['check']}: {c['outcome'] or 'unknown'}{since}: {c['how']}{why}")
    return lines


def table(doc: dict[str, Any]) -> str:
    """The terminal report."""
    source = f"{doc['input']['path'] or 'an environment'} ({doc['input']['format']})"
    out = [f"audit of {source}, Python {_pythons(doc)} on {doc['platform']}", ""]
    head = ("case", "pin", "python", "status", "first clean (line / overall)", "where")
    rows = [
        (
            f["case"],
            f"{f['package']} {f['version']}",
            f["python"],
            f["status"] + (" (ignored)" if f["ignored"] else ""),
            _clean(f),
            _where(f),
        )
        for f in doc["findings"]
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    out.append("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    for f, row in zip(doc["findings"], rows):
        out.append("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
        if f["status"] == "not-affected" and not f["note"]:
            continue
        if f["note"]:
            out.append(f"    {f['note']}")
        out += [f"    {shorten(line, 200)}" for line in _check_lines(f)]
        if f["status"] == "affected":
            out.append(f"    fix upstream: {shorten(f['fix'], 200)}")
            if f["workaround"]:
                out.append(f"    workaround: {shorten(f['workaround']['summary'], 200)}")
                out.append(f"      cost: {shorten(f['workaround']['cost'], 200)}")
        if f["status"] != "not-affected" and f["ignored"]:
            out.append(f"    ignored: {f['ignored']['reason']}")
    if not doc["findings"]:
        out.append("(no case's package is pinned)")
    out += _tail_lines(doc)
    return "\n".join(out)


def _tail_lines(doc: dict[str, Any]) -> list[str]:
    out = [f"\nNOTE: {note}" for note in doc["input"]["notes"]]
    if doc["not_pinned"]:
        out.append(f"\nnot pinned, not audited: {', '.join(doc['not_pinned'])}")
    for ignore in doc["ignores"]:
        if ignore["expired"]:
            out.append(f"NOTE: {ignore['message']}")
    if doc["upgrade"]:
        up = doc["upgrade"]
        out.append(f"\nupgrade {up['package']} {up['from'] or '(not pinned)'} -> {up['to']}:")
        for c in up["changes"] or []:
            after = c["after"]["outcome"] or "unknown"
            out.append(
                f"  {c['kind']:<9} {c['case']}/{c['check']} py{c['python']}: "
                f"{c['before']['outcome'] or 'unknown'} -> {after}"
                + (f": {shorten(c['after']['why'], 160)}" if c["after"]["why"] else "")
            )
        if not up["changes"]:
            out.append("  no case's answer changes")
    if doc["verify"] is not None:
        out.append("\nverify (run on your pins):")
        for v in doc["verify"]:
            out.append(
                f"  {v['case']}/{v['check']} {v['kind']} {v['package']} {v['version']} "
                f"py{v['python']}: {v['outcome']}, {_meaning(v)} ({v['duration_s']:.1f}s)"
            )
            if v["outcome"] not in (Outcome.LEAK, Outcome.CLEAN):
                out.append(f"      {shorten(v['reason'], 300)}")
            if v["off_pins"]["differ"]:
                out.append(f"      NOT at your pins: {', '.join(v['off_pins']['differ'])}")
        if not doc["verify"]:
            out.append("  nothing to run: no leaking check of an affected pin runs on this OS")
    return out


def _meaning(v: dict[str, Any]) -> str:
    """What a --verify cell's outcome tells the app developer."""
    plain = v["kind"] == "plain"
    if v["outcome"] == Outcome.LEAK:
        return "the leak, shown on your pins" if plain else "the workaround does not cure it"
    if v["outcome"] == Outcome.CLEAN:
        if plain:
            return "no leak on your pins, against the case's rule: please report it"
        return "the workaround, proven on your pins"
    return "no verdict"


def markdown(doc: dict[str, Any]) -> str:
    """A CI job summary."""
    n = len(hits(doc))
    out = [
        "## Leak audit",
        "",
        f"`{doc['input']['path'] or 'environment'}` ({doc['input']['format']}), Python "
        f"{_pythons(doc)} on {doc['platform']}: "
        + (f"**{n} known leak(s) hit your pins**" if n else "no known leak hits your pins"),
        "",
        "| case | pin | Python | status | first clean (line / overall) | where |",
        "|---|---|---|---|---|---|",
    ]
    for f in doc["findings"]:
        status = f["status"] + (" (ignored)" if f["ignored"] else "")
        out.append(
            f"| [{f['case']}]({f['issue']}) | {f['package']} {f['version']} | {f['python']} "
            f"| {status} | {_clean(f)} | `{_where(f)}` |"
        )
    for f in doc["findings"]:
        if f["status"] == "not-affected" and not f["note"]:
            continue
        out += ["", f"### {f['case']} on {f['package']} {f['version']}, Python {f['python']}", ""]
        if f["note"]:
            out.append(f"- {f['note']}")
        out += [f"- {line}" for line in _check_lines(f)]
        if f["status"] == "affected":
            out.append(f"- fix upstream: {f['fix']}")
            if f["workaround"]:
                w = f["workaround"]
                out.append(f"- workaround (`{w['file']}`): {w['summary']} Cost: {w['cost']}")
        if f["ignored"]:
            out.append(f"- ignored: {f['ignored']['reason']}")
    tail = _tail_lines(doc)
    if tail:
        out += ["", "```", *[line.strip("\n") for line in tail], "```"]
    return "\n".join(out) + "\n"


def _help(f: dict[str, Any]) -> str:
    parts = [f"Fix upstream: {f['fix']}"]
    if f["workaround"]:
        parts.append(f"Workaround, from {f['workaround']['file']} of the leak corpus:")
        parts.append(f"{f['workaround']['summary']} Cost: {f['workaround']['cost']}")
    else:
        parts.append("No app-level workaround is known.")
    parts.append(f"Upstream issue: {f['issue']}")
    return "\n\n".join(parts)


def sarif(doc: dict[str, Any]) -> dict[str, Any]:
    """SARIF 2.1.0: one rule per case, one result per affected pin, located at its line."""
    rules: dict[str, dict[str, Any]] = {}
    grouped: dict[tuple[str, str, str, int | None], list[dict[str, Any]]] = {}
    for f in doc["findings"]:
        if f["case"] not in rules:
            text = _help(f)
            rules[f["case"]] = {
                "id": f["case"],
                "name": "".join(p.capitalize() for p in re.split(r"[^A-Za-z0-9]+", f["case"])),
                "shortDescription": {"text": f["title"]},
                "fullDescription": {"text": f"{f['package']}: {f['title']}"},
                "helpUri": f["issue"],
                "help": {"text": text, "markdown": text},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["resource-leak", f["package"]]},
            }
        if f["status"] == "affected":
            key = (f["case"], f["version"], _where(f), f["location"]["line"])
            grouped.setdefault(key, []).append(f)
    index = {case: i for i, case in enumerate(rules)}
    found = []
    for (case, version, _, _), group in grouped.items():
        first = group[0]
        pythons = ", ".join(f["python"] for f in group)
        leaking = sorted(
            {c["check"] for f in group for c in f["checks"] if c["outcome"] == Outcome.LEAK}
        )
        message = (
            f"{first['package']} {version} is affected by {case} ({first['title']}) on Python "
            f"{pythons} ({first['platform']}); leaking checks: {', '.join(leaking)}. "
            f"First clean release on this line: {first['first_clean_on_line'] or 'none'}; "
            f"overall: {first['first_clean'] or 'none'}."
        )
        result: dict[str, Any] = {
            "ruleId": case,
            "ruleIndex": index[case],
            "level": "warning",
            "message": {"text": message},
        }
        if first["location"]["path"]:
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": Path(first["location"]["path"]).as_posix()}
            }
            if first["location"]["line"]:
                physical["region"] = {"startLine": first["location"]["line"]}
            result["locations"] = [{"physicalLocation": physical}]
        if first["ignored"]:
            result["suppressions"] = [
                {"kind": "external", "justification": first["ignored"]["reason"]}
            ]
        found.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": "0.1.0",
                        "rules": list(rules.values()),
                    }
                },
                "results": found,
            }
        ],
    }


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif(doc), indent=2) + "\n"
    if fmt == "markdown":
        return markdown(doc)
    return table(doc) + "\n"
