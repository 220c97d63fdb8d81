"""``python -m harness audit``: its options, and the run from an app's lock file to a report
and an exit status of this project's own (pip-audit exits 1 for findings and errors alike):
0 no known leak hits the pins, 1 one does, 2 bad input, 3 the harness failed (an exception),
4 a --verify cell gave no verdict (error, flaky or skip; the report names each with its reason)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import platform
import re
import sys
import traceback
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from harness import options
from harness.audit import document, formats, ignore_file, lockfiles, static
from harness.audit.lockfiles import Locked, LockError
from harness.corpus import metadata
from harness.errors import BadInput
from harness.outcomes import VERDICTS, Outcome, python_key, shorten
from harness.records import Cell
from harness.run import interpreters, plan, pypi

# --verify's engine (audit_verify, venvs: nox, psutil) is imported only when asked for.

ROOT = Path(__file__).resolve().parents[2]
PYPI_CACHE = ROOT / ".nox" / "pypi"
ENVS = ROOT / ".nox" / "cells"
OK, HIT, BAD_INPUT, HARNESS_FAILED, CELL_FAILED = 0, 1, 2, 3, 4


def add_arguments(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "-r",
        "--requirement",
        action="append",
        help="a pinned requirements file (repeatable: the pins of all of them are audited)",
    )
    source.add_argument("--lock", help="uv.lock, pylock.toml, poetry.lock (or requirements)")
    source.add_argument(
        "--python-env", help="audit the distributions installed in this environment or interpreter"
    )
    p.add_argument(
        "--python",
        action="append",
        help="a Python the app runs on, e.g. 3.10 (repeatable; default: this Python if the "
        "lock allows it, else the oldest of the corpus's Pythons it allows)",
    )
    p.add_argument(
        "--platform",
        choices=("linux", "darwin", "win32"),
        default=plan.PLATFORM,
        help=f"the OS the app runs on (default: this one, {plan.PLATFORM})",
    )
    p.add_argument("--verify", action="store_true", help="run the leaking checks on the pins")
    p.add_argument("--format", choices=formats.names(), default=formats.DEFAULT)
    p.add_argument("--output", help="write the report here (the table still goes to stdout)")
    p.add_argument("--ignore", help="TOML file of ignored cases: case, reason, optional expires")
    p.add_argument("--upgrade-to", help="PKG==VER: the answer after this upgrade, as a diff")
    p.add_argument(
        "--base",
        default=os.getcwd(),
        help="folder that relative paths are given from and shown from (default: here)",
    )
    p.add_argument(
        "--jobs", type=options.jobs, default=os.cpu_count() or 1, help="--verify cells at once"
    )
    p.add_argument("--envs", default=str(ENVS), help="folder of the cells' environments")
    p.add_argument("--venv-backend", help="nox backend of the cells' environments (default: uv)")


def _full(base: Path, text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else base / path


def _shown(base: Path, path: Path) -> Path:
    """A path relative to base when it is inside base (as reports and SARIF want it)."""
    try:
        return path.resolve().relative_to(base.resolve())
    except ValueError:
        return path


def _read(args: argparse.Namespace, base: Path) -> Locked:
    if args.python_env:
        return lockfiles.environment(_full(base, args.python_env))
    if args.requirement:
        locked = lockfiles.read_all([_full(base, g) for g in args.requirement], "requirements")
    elif args.lock:
        locked = lockfiles.read(_full(base, args.lock))
    else:
        raise LockError("nothing to audit: give -r requirements.txt, --lock FILE or --python-env")
    assert locked.path is not None
    pins = tuple(dataclasses.replace(p, path=_shown(base, p.path)) for p in locked.pins if p.path)
    return dataclasses.replace(locked, path=_shown(base, locked.path), pins=pins)


def _pythons(args: argparse.Namespace, locked: Locked) -> list[str]:
    """The Pythons to audit for, each 3.X (read as the one installed here, else 3.X.0) or
    3.X.Y."""
    for given in args.python or ():
        if not re.fullmatch(r"3\.[0-9]+(\.[0-9]+)?", given):
            raise LockError(f"--python {given!r}: expected a Python such as 3.11 or 3.11.7")
    if locked.python:
        if args.python and args.python not in ([locked.python], [static.line_of(locked.python)]):
            raise LockError(f"--python-env runs Python {locked.python}; drop --python")
        return [locked.python]
    if args.python:
        return sorted(set(args.python), key=python_key)
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    spec = locked.requires_python
    if spec is None or spec.contains(platform.python_version(), True):
        return [here]
    pythons = metadata.tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["corpus"][
        "pythons"
    ]
    allowed = [p for p in pythons if spec.contains(interpreters.full_version(p), True)]
    if not allowed:
        raise LockError(f"{locked.path}: requires-python {spec} allows none of {pythons}")
    return allowed[:1]


def _upgrade(text: str) -> tuple[str, str]:
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        raise LockError(f"--upgrade-to {text!r}: expected PKG==VERSION") from None
    pins = [s.version for s in requirement.specifier if s.operator == "=="]
    if len(pins) != 1 or requirement.marker or requirement.url:
        raise LockError(f"--upgrade-to {text!r}: expected PKG==VERSION")
    try:
        pypi.release(requirement.name, pins[0], PYPI_CACHE)
    except pypi.ReleaseError as exc:
        raise LockError(f"--upgrade-to {text!r}: {exc}") from None
    return canonicalize_name(requirement.name), pins[0]


def _verify(
    args: argparse.Namespace, findings: list[static.Finding], locked: Locked, ignored: Any
) -> list[dict[str, Any]]:
    from harness.audit import verification
    from harness.run import venvs

    envs = Path(args.envs).resolve()
    jobs = verification.jobs(findings, locked, ignored, envs / "audit", PYPI_CACHE)
    print(f"verify: {len(jobs)} cell(s) on your pins, {args.jobs} at a time", file=sys.stderr)

    def show(record: Cell) -> None:
        print(
            f"  {record['case']}/{record['check']}/{record['variant']} "
            f"{record['upstream']['version']} py{record['python_requested']}: "
            f"{record['outcome']} {record['duration_s']:.1f}s"
            + (f": {shorten(record['reason'], 200)}" if record["outcome"] not in VERDICTS else ""),
            file=sys.stderr,
            flush=True,
        )

    backend = args.venv_backend or venvs.DEFAULT_BACKEND
    done = verification.run(jobs, envs, backend, args.jobs, show)
    return [
        {
            "case": job.finding.case.id,
            "check": record["check"],
            "kind": job.kind,
            "variant": record["variant"],
            "package": record["upstream"]["package"],
            "version": record["upstream"]["version"] or job.finding.pin.version,
            "python": record["python"] or record["python_requested"],
            "outcome": record["outcome"],
            "expected": record["expected"],
            "expected_why": record["expected_why"],
            "agrees": record["agrees"],
            "reason": record.get("reason") or "",
            "duration_s": record["duration_s"],
            "runs_s": round(sum(r["duration_s"] for r in record["evidence"]["runs"]), 3),
            "off_pins": verification.off_pins(record, locked, job.finding.python),
        }
        for job, record in done
    ]


def _exit_status(doc: dict[str, Any]) -> int:
    if doc["verify"] and any(v["outcome"] not in VERDICTS for v in doc["verify"]):
        return CELL_FAILED
    if document.hits(doc) or any(
        v["kind"] == "plain" and v["outcome"] == str(Outcome.LEAK) for v in doc["verify"] or ()
    ):
        return HIT
    return OK


def _audit(args: argparse.Namespace) -> int:
    base = Path(args.base)
    locked = _read(args, base)
    pythons = _pythons(args, locked)
    cases = metadata.load_all()
    today = datetime.date.today()
    ignores: list[ignore_file.Ignore] = []
    if args.ignore:  # read where it is; shown relative to base, as the lock file is
        path = _full(base, args.ignore)
        ignores = [
            dataclasses.replace(i, path=_shown(base, path))
            for i in ignore_file.load(path, [c.id for c in cases])
        ]
    upgrade = None
    if args.upgrade_to:
        name, version = _upgrade(args.upgrade_to)
        before = static.audit(locked, pythons, args.platform, cases, PYPI_CACHE)
        old = next((p.version for p in locked.pins if p.name == name), None)
        locked = locked.replaced(name, version)
    findings = static.audit(locked, pythons, args.platform, cases, PYPI_CACHE)
    if args.upgrade_to:
        changes = static.upgrade_diff(before, findings)
        upgrade = document.upgrade_part(name, old, version, changes)
    verify = None
    if args.verify:
        verify = _verify(
            args, findings, locked, lambda case: ignore_file.active(ignores, case, today)
        )
    doc = document.document(
        locked, findings, pythons, args.platform, ignores, cases, today, upgrade, verify
    )
    doc["exit_status"] = _exit_status(doc)
    document.validate(doc)
    if args.output:
        target = _full(base, args.output)
        target.write_text(formats.render(doc, args.format), encoding="utf-8")
        print(formats.render(doc, formats.DEFAULT), end="")
        print(f"\nwrote {args.format} to {target}")
    else:
        print(formats.render(doc, args.format), end="")
    return int(doc["exit_status"])


def run(args: argparse.Namespace) -> int:
    """The audit with its exit status; bad input and harness failures are said on stderr."""
    try:
        return _audit(args)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        raise
    except Exception:  # noqa: BLE001  the harness failed, not the input: exit 3
        traceback.print_exc()
        print("error: the audit failed (a harness fault, not your input)", file=sys.stderr)
        return HARNESS_FAILED
