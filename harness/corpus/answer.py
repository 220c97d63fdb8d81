"""One answer for case x check x release x Python x OS, and how it is known.

- ``measured``: a committed cell (baseline or release history) at exactly these coordinates;
- ``inferred``: no cell here, the case's rule for the release gives the outcome; the nearest
  measured releases on either side (same check, OS and Python line) are named;
- ``simulated``: the check's evidence comes from doubles (its cells, wherever they ran, stand
  for the OSes the case's leak exists on); the file stating their assumptions is named;
- ``not run``: no cell of this check ever ran on this OS; the rule's outcome is all there is.

Only cells of the plain release count (no patch, no workaround, no blinded probe, no
unreleased tree). The audit, its report and the agreement test ask this module only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from harness import results
from harness.corpus import expectations
from harness.corpus.metadata import ROOT, Case, Rule, Workaround
from harness.outcomes import VERDICTS, Outcome, Word
from harness.records import Document

RESULTS = ROOT / "results"


class Known(Word):
    MEASURED = "measured"
    INFERRED = "inferred"
    SIMULATED = "simulated"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class Cell:
    """A committed cell of a plain release, where it is kept and the run that made it."""

    case: str
    check: str
    variant: str
    release: str  # the upstream version installed
    python: str  # X.Y.Z
    os: str
    outcome: Outcome
    reason: str
    file: str  # from the repository root
    run: str

    @property
    def line(self) -> str:
        return ".".join(self.python.split(".")[:2])


@dataclass(frozen=True)
class Answer:
    outcome: Outcome | None  # None: no cell and no rule
    known: Known
    rule: Rule | None
    cells: tuple[Cell, ...] = ()  # at exactly these coordinates
    below: Cell | None = None  # nearest measured release with a verdict, older
    above: Cell | None = None  # and newer
    assumptions: str | None = None  # simulated: the file of the doubles' assumptions
    fix: str = ""
    workaround: Workaround | None = None

    @property
    def why(self) -> str:
        """How it is known, in one line a user can check."""
        if self.cells:
            text = (
                f"{self.known}: {self.outcome} in {', '.join(sorted({c.file for c in self.cells}))}"
            )
        elif self.known == Known.NOT_RUN:
            text = "not run: no cell of this check ran on this OS"
        else:
            text = f"{self.known} from the case's rule; nearest measured: {_nearest(self)}"
        if self.known == Known.SIMULATED:
            text += f"; in simulation, assumptions in {self.assumptions}"
        if self.rule is not None and not self.cells:
            text += f"; rule: {self.rule.why}"
        elif self.rule is None and not self.cells:
            text += "; no rule of the case covers this release"
        return text


def _nearest(found: Answer) -> str:
    def side(cell: Cell | None, label: str) -> str:
        return f"{label} {cell.release} {cell.outcome}" if cell else f"{label} none"

    return f"{side(found.below, 'below')}, {side(found.above, 'above')}"


def _run_of(document: Document, started: str | None) -> str:
    """The run that made a cell, as the cell records it (``run_started``); a cell saved before
    cells recorded their run says so rather than guess."""
    run = next((r for r in results.runs(document) if r["started"] == started), None)
    if started is None or run is None:
        return "its run is not recorded"
    commit = (run["corpus"].get("commit") or "unknown")[:10]
    dirty = ", uncommitted changes" if run["corpus"].get("dirty") else ""
    return f"`{run['command']}` {run['started']}, corpus {commit}{dirty}"


def read(paths: Iterable[Path], cases: dict[str, Case]) -> tuple[Cell, ...]:
    """The plain cells of these result files, for the cases given."""
    found = []
    for path in paths:
        document = json.loads(path.read_text(encoding="utf-8"))
        shown = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        for cell in document["cells"]:
            case = cases.get(cell["case"])
            variant = case.variants.get(cell["variant"]) if case else None
            if (
                case is None
                or (variant is not None and not variant.plain)
                or cell.get("blind")
                or "source" in cell["upstream"]
                or not cell["upstream"]["version"]
                or not cell["python"]
            ):
                continue
            found.append(
                Cell(
                    cell["case"],
                    cell["check"],
                    cell["variant"],
                    cell["upstream"]["version"],
                    cell["python"],
                    cell["os"],
                    Outcome(cell["outcome"]),
                    cell["reason"],
                    shown,
                    _run_of(document, cell.get("run_started")),
                )
            )
    return tuple(found)


class Cells:
    """Committed cells, looked up by case and check."""

    def __init__(self, cells: Iterable[Cell] = ()) -> None:
        self._by: dict[tuple[str, str], list[Cell]] = {}
        for cell in cells:
            self._by.setdefault((cell.case, cell.check), []).append(cell)

    def of(self, case: str, check: str) -> list[Cell]:
        return self._by.get((case, check), [])


def committed_files(results: Path = RESULTS) -> list[Path]:
    """The committed baseline and release histories."""
    return sorted((results / "baseline").glob("*.json")) + sorted(
        (results / "history").glob("*.json")
    )


_READ: dict[tuple[Path, tuple[tuple[str, Path], ...]], Cells] = {}


def committed(cases: Iterable[Case], results: Path = RESULTS) -> Cells:
    """The plain cells of the committed results, for these cases; read once per process
    (committed files do not change while it runs)."""
    by_id = {c.id: c for c in cases}
    key = (results, tuple(sorted((c.id, c.path) for c in by_id.values())))
    if key not in _READ:
        _READ[key] = Cells(read(committed_files(results), by_id))
    return _READ[key]


def _combined(cells: list[Cell]) -> Outcome:
    """One outcome of several cells at the same coordinates: their verdict when they give
    one (flaky when verdicts differ), else the first cell's outcome (error, skip)."""
    verdicts = {c.outcome for c in cells if c.outcome in VERDICTS}
    if len(verdicts) > 1:
        return Outcome.FLAKY
    return verdicts.pop() if verdicts else cells[0].outcome


def answer(
    case: Case, check: str, release: str, python: str, platform: str, cells: Cells
) -> Answer:
    """The answer at these coordinates; ``python`` is X.Y.Z, ``cells`` the committed ones."""
    spec = case.checks[check]
    rule = expectations.for_release(case, check, release, python, platform)
    simulated = spec.evidence == "simulated"
    facts: dict[str, Any] = {
        "rule": rule,
        "fix": case.fix,
        "workaround": case.workaround,
        "assumptions": spec.assumptions,
    }
    if simulated and platform not in case.platforms:
        return Answer(None, Known.NOT_RUN, **{**facts, "rule": None})
    # A simulation's cells stand for every OS of the case; a native cell for its own OS.
    pool = [c for c in cells.of(case.id, check) if simulated or c.os == platform]
    exact = [c for c in pool if Version(c.release) == Version(release) and c.python == python]
    known = Known.SIMULATED if simulated else Known.MEASURED
    if exact:
        return Answer(_combined(exact), known, cells=tuple(exact), **facts)
    outcome = Outcome(rule.outcome) if rule else None
    if not pool:
        return Answer(outcome, Known.NOT_RUN, **facts)
    line = ".".join(python.split(".")[:2])
    measured = sorted(
        (c for c in pool if c.line == line and c.outcome in VERDICTS),
        key=lambda c: Version(c.release),
    )
    below = [c for c in measured if Version(c.release) < Version(release)]
    above = [c for c in measured if Version(c.release) > Version(release)]
    return Answer(
        outcome,
        known if simulated else Known.INFERRED,
        below=below[-1] if below else None,
        above=above[0] if above else None,
        **facts,
    )
