"""``audit --verify``: the checks that the static audit says leak, run on the app's own pins.

For each affected pin (not ignored) and each of its leaking checks that can run on this OS,
two cells: the plain release (as a plain variant that runs the check, with its requirements)
and, when the case has one, with the app-level workaround. Every cell's environment is built
with the app's pins as a constraints file, so every distribution it holds that the app pins
is at the app's version; the engine builds each environment once, shares it between the two
cells, and runs cells in parallel like the matrix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from packaging.utils import canonicalize_name

from harness.audit.ignore_file import Ignore
from harness.audit.lockfiles import Locked
from harness.audit.static import Finding, Status
from harness.corpus.metadata import Case, Variant
from harness.records import Cell
from harness.run import plan, venvs
from harness.run.engine import Engine

PLAIN, WORKAROUND = "plain", "workaround"


@dataclasses.dataclass(frozen=True)
class Job:
    kind: str  # PLAIN or WORKAROUND
    finding: Finding
    planned: plan.Planned


def constraints(locked: Locked, python: str, folder: Path) -> Path:
    """The app's pins for this Python on this OS as a constraints file."""
    pins = locked.pins_for(python, plan.PLATFORM).values()
    return venvs.constraints_file(
        [f"{pin.name}=={pin.version}" for pin in pins if pin.version is not None], folder
    )


def _workaround(finding: Finding) -> Variant | None:
    return next(
        (v for v in finding.case.variants.values() if v.workaround is not None and v.patch is None),
        None,
    )


def _plain(case: Case, check: str) -> Variant | None:
    """The case's plain variant that runs this check ("affected" first): a verify cell takes
    its requirements."""
    plain = sorted(
        (v for v in case.variants.values() if v.plain and (v.checks is None or check in v.checks)),
        key=lambda v: v.name != "affected",
    )
    return plain[0] if plain else None


def jobs(
    findings: list[Finding],
    locked: Locked,
    ignored: Callable[[str], Ignore | None],
    folder: Path,
    cache_dir: Path | None,
) -> list[Job]:
    """The cells to run: plain and workaround, for every leaking check of every affected pin
    that is not ignored, on the checks that run on this OS."""
    planned = []
    for finding in findings:
        if finding.status != Status.AFFECTED or ignored(finding.case.id):
            continue
        case, version = finding.case, finding.pin.version
        assert version is not None  # a pin without a version is unknown, never affected
        extra = ("-c", str(constraints(locked, finding.python, folder)))
        workaround = _workaround(finding)
        for answer in finding.answer.checks:
            check = case.checks[answer.check]
            if not answer.leaks:
                continue
            plain = _plain(case, answer.check)
            variants = [(PLAIN, plain)] if plain else []
            if workaround is not None:
                variants.append((WORKAROUND, workaround))
            for kind, variant in variants:
                variant = dataclasses.replace(variant, releases=(version,))
                cell = plan.Cell(case, check, variant, version, finding.python)
                if plan._platform_skip(cell):
                    break  # this check runs on other OSes: nothing to show here
                resolved = plan.resolve(cell, cache_dir)
                if resolved.requirements:
                    resolved = dataclasses.replace(
                        resolved, requirements=(*resolved.requirements, *extra)
                    )
                planned.append(Job(kind, finding, resolved))
    return planned


def run(
    planned: list[Job],
    envs_dir: Path,
    backend: str,
    jobs_at_once: int,
    on_cell: Callable[[Cell], None] = lambda record: None,
) -> list[tuple[Job, Cell]]:
    """Run the cells in parallel; each record comes back with the job that made it."""
    engine = Engine(envs_dir, backend=backend, jobs=jobs_at_once, on_cell=on_cell)
    records = engine.run([job.planned for job in planned])
    return list(zip(planned, records))


def off_pins(record: Cell, locked: Locked, python: str) -> dict[str, list[str]]:
    """Distributions of the cell's environment that differ from the app's pins (none should:
    they are constraints) and those the app does not pin (the check's own tools)."""
    pins = locked.pins_for(python, plan.PLATFORM)
    differ, extra = [], []
    for name, version in record.get("distributions", {}).items():
        pin = pins.get(canonicalize_name(name))
        if pin is None:
            extra.append(f"{name} {version}")
        elif pin.version != version:
            differ.append(f"{name} {version} (pinned {pin.version})")
    return {"differ": differ, "extra": extra}
