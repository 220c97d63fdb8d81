"""A case's release history: its reproducer run against every release of the upstream
package in a range, the transitions between leaking and clean, and how they compare with the
first fixed and last affected releases the case's metadata names.

Every release is run (no bisection): a leak that comes back shows up only that way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from harness import results
from harness.corpus.metadata import Case, Check, Variant
from harness.errors import BadInput
from harness.outcomes import NO_VERDICT, VERDICTS, Outcome, shorten
from harness.records import Cell, Document, RunHeader
from harness.run import plan, pypi, sources, verdict


class HistoryError(BadInput):
    """A history cannot be run as asked; the message says why."""


def stem(case: Case, python: str) -> str:
    """The name of a case's history files on one Python and this OS (``.json``, ``.md``)."""
    return f"{case.id}-py{python}-{plan.PLATFORM}"


def start(file: Path, document: Document) -> Document:
    """The document a history run writes to ``file``: a new run that continues the history
    already there, if any (a partial range adds to the history, never cuts it)."""
    if not file.exists():
        return document
    try:
        return results.continued(results.load(file), document)
    except ValueError as exc:
        raise HistoryError(f"{exc} (move it away to start the history afresh)") from None


def checks(case: Case, names: Sequence[str] | None) -> list[Check]:
    """The case's checks that ``names`` asks for (every one when it names none)."""
    for name in names or ():
        if name not in case.checks:
            raise HistoryError(f"{case.id} has no check {name!r} (known: {', '.join(case.checks)})")
    return [c for c in case.checks.values() if not names or c.name in names]


def cells(
    case: Case, chosen: list[Check], variant: Variant, releases: list[str], python: str
) -> list[plan.Cell]:
    """One cell per check and release, oldest release first within a check."""
    return [plan.Cell(case, check, variant, r, python) for check in chosen for r in releases]


def tree_cells(case: Case, chosen: list[Check], variant: Variant, python: str) -> list[plan.Cell]:
    """The last row of a history from unreleased code: the tree after every release."""
    return [plan.Cell(case, c, variant, sources.RELEASE_LABEL, python) for c in chosen]


def releases_in_range(
    package: str, lo: str | None, hi: str | None, cache_dir: Any = None
) -> list[str]:
    """Final, non-yanked releases of package from lo to hi (both included), oldest first."""
    chosen = [
        r.version
        for r in pypi.releases(package, cache_dir).values()
        if not r.version.is_prerelease
        and not r.yanked
        and (lo is None or r.version >= Version(lo))
        and (hi is None or r.version <= Version(hi))
    ]
    return [str(v) for v in sorted(chosen)]


def plain_variant(releases: list[str]) -> Variant:
    """The upstream release as it is: no patch, no workaround, every check."""
    return Variant(
        name="history",
        releases=tuple(releases),
        patch=None,
        workaround=None,
        requires=(),
        checks=None,
        description="release history",
    )


@dataclass(frozen=True)
class Transition:
    release: str
    before: str
    after: str


def transitions(rows: list[tuple[str, Outcome]]) -> list[Transition]:
    """Where the verdict changes, release by release; skips and errors do not break a run."""
    found, last = [], None
    for release, outcome in rows:
        if outcome not in VERDICTS:
            continue
        if last is not None and outcome != last:
            found.append(Transition(release, last, outcome))
        last = outcome
    return found


def against_metadata(case: Case, rows: list[tuple[str, Outcome]]) -> list[str]:
    """Where the history disagrees with the case's first_fixed / last_affected (empty: agrees)."""
    problems = []
    verdicts = {release: outcome for release, outcome in rows if outcome in VERDICTS}
    if case.last_affected and verdicts.get(case.last_affected, Outcome.LEAK) != Outcome.LEAK:
        problems.append(
            f"metadata says {case.last_affected} is the last affected release; "
            f"it is {verdicts[case.last_affected]} here"
        )
    if case.first_fixed:
        if verdicts.get(case.first_fixed, Outcome.CLEAN) != Outcome.CLEAN:
            problems.append(
                f"metadata says {case.first_fixed} is the first fixed release; "
                f"it is {verdicts[case.first_fixed]} here"
            )
        later_leaks = [
            r
            for r, o in verdicts.items()
            if o == Outcome.LEAK and Version(r) >= Version(case.first_fixed)
        ]
        if later_leaks:
            problems.append(
                f"leaks after the first fixed release {case.first_fixed}: {', '.join(later_leaks)}"
            )
    if case.first_affected:
        before = [
            r
            for r, o in verdicts.items()
            if o == Outcome.LEAK and Version(r) < Version(case.first_affected)
        ]
        if before:
            problems.append(
                f"leaks before the first affected release {case.first_affected}: "
                f"{', '.join(before)}"
            )
    if case.status != "fixed" and Outcome.CLEAN in verdicts.values():
        clean = [
            r
            for r, o in verdicts.items()
            if o == Outcome.CLEAN
            and not (case.first_affected and Version(r) < Version(case.first_affected))
        ]
    else:
        clean = []
    if clean:
        problems.append(
            f"the case is {case.status}, yet these releases are clean: {', '.join(clean)}"
        )
    return problems


def _shown(cell: Cell) -> str:
    source = cell["upstream"].get("source")
    return (
        cell["release"] if not source else f"{source['location']} ({cell['upstream']['version']})"
    )


def _release_order(cell: Cell) -> tuple[int, Version]:
    """Releases oldest first; unreleased code (``--upstream-path``) is the last row."""
    if cell["upstream"].get("source"):
        return (1, Version("0"))
    return (0, Version(cell["release"]))


def _release_of(cell: Cell) -> str:
    """The release a row of the history names: unreleased code takes its place at the
    version it declares (its label when it declares none)."""
    if cell["upstream"].get("source"):
        return cell["upstream"]["version"] or cell["release"]
    return cell["release"]


def render(case: Case, python: str, cells: list[Cell], runs: Sequence[RunHeader] = ()) -> str:
    """Markdown: per check, the transitions, every release; the case's first check (its main
    reproducer) is the one compared with first_fixed / last_affected. ``runs`` (see results.runs)
    are listed when the cells come from more than one run."""
    lines = [
        f"# Release history of {case.id} on Python {python}",
        "",
        (
            f"{case.package}: {len({c['release'] for c in cells})} releases; metadata: first "
            f"fixed {case.first_fixed or '-'}, last affected {case.last_affected or '-'}, "
            f"status {case.status}."
        ),
        "",
    ]
    if len(runs) > 1:
        lines += [
            f"Cells from {len(runs)} runs (a later run replaced the cells it ran again):",
            "",
            *(
                f"- `{r['command']}` (started {r['started']}, corpus "
                f"{(r['corpus'].get('commit') or 'unknown')[:10]})"
                for r in runs
            ),
            "",
        ]
    for check in (name for name in case.checks if any(c["check"] == name for c in cells)):
        mine = sorted((c for c in cells if c["check"] == check), key=_release_order)
        rows = [(_release_of(c), c["outcome"]) for c in mine]
        lines += [f"## {check}", ""]
        moves = transitions(rows)
        first = next((o for _, o in rows if o in VERDICTS), None)
        if first:
            lines.append(f"- starts {first} at {next(r for r, o in rows if o in VERDICTS)}")
        lines += [f"- {t.after} from {t.release} (was {t.before})" for t in moves]
        if not first:
            lines.append("- no release gave a verdict")
        not_run = [
            c
            for c in mine
            if c["outcome"] == Outcome.SKIP or c["reason"].startswith(verdict.ENV_FAILED)
        ]
        no_verdict = [c for c in mine if c["outcome"] in NO_VERDICT and c not in not_run]
        for label, picked in (("skipped or not installable", not_run), ("no verdict", no_verdict)):
            if picked:
                lines.append(
                    f"- {label}: "
                    + ", ".join(f"{c['release']} ({shorten(c['reason'], 80)})" for c in picked)
                )
        if check == next(iter(case.checks)):
            problems = against_metadata(case, rows)
            lines += [f"- DISAGREES with the metadata: {p}" for p in problems] or [
                "- agrees with the metadata"
            ]
        lines += ["", "| release | outcome | reason |", "|---|---|---|"]
        lines += [
            f"| {c['release']} | {c['outcome']} | {shorten(c['reason'], 160).replace('|', '/')} |"
            for c in mine
        ]
        lines.append("")
    return "\n".join(lines)
