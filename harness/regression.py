"""The regression check: every case's ``latest`` cells, run against the newest releases,
compared with the committed baseline.

What changed is sorted into kinds; only a fixed leak that came back and a reproducer that no
longer runs fail the check. An open leak that upstream fixed is a notice that names the
expectation to update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import results
from .outcomes import NO_VERDICT, Outcome, shorten

REGRESSION = "regression"  # clean in the baseline, leaks now: fails
BROKEN = "broken"  # the reproducer no longer runs (error or flaky): fails
FIXED_UPSTREAM = "fixed-upstream"  # leaked in the baseline, clean now: notice
DRIFT = "dependency-drift"  # same upstream release, other dependencies, other outcome
NEW = "new"  # no baseline cell to compare with
UNCHANGED = "unchanged"
SKIPPED = "skipped"
FAILING = (REGRESSION, BROKEN)


@dataclass(frozen=True)
class Change:
    kind: str
    cell: dict[str, Any]
    baseline: dict[str, Any] | None
    message: str


def _drifted(cell: dict[str, Any], base: dict[str, Any]) -> list[str]:
    old, new = base["distributions"], cell["distributions"]
    return sorted(
        f"{name} {old.get(name, '-')} -> {new.get(name, '-')}"
        for name in set(old) | set(new)
        if old.get(name) != new.get(name)
    )


def classify(cell: dict[str, Any], base: dict[str, Any] | None) -> Change:
    release = cell["upstream"]["version"] or "no release resolved"
    where = (
        f"{cell['case']}/{cell['check']} on Python {cell['python_requested']} "
        f"({cell['upstream']['package']} {release})"
    )
    outcome = cell["outcome"]
    if outcome == Outcome.SKIP:
        return Change(SKIPPED, cell, base, f"{where}: skipped: {cell['reason']}")
    if outcome in NO_VERDICT:
        return Change(
            BROKEN,
            cell,
            base,
            f"{where}: the reproducer no longer gives a verdict ({outcome}): "
            f"{shorten(cell['reason'])}",
        )
    if outcome == Outcome.ABSENT and base is not None and base["outcome"] != Outcome.ABSENT:
        return Change(
            BROKEN,
            cell,
            base,
            f"{where}: the code path is gone ({shorten(cell['reason'])}); it was "
            f"{base['outcome']}: the reproducer must follow upstream",
        )
    if base is None or base["outcome"] not in (Outcome.LEAK, Outcome.CLEAN, Outcome.ABSENT):
        return Change(NEW, cell, base, f"{where}: {outcome}; no baseline verdict to compare with")
    was = f"{base['upstream']['package']} {base['upstream']['version']}"
    if outcome == base["outcome"]:
        return Change(UNCHANGED, cell, base, f"{where}: {outcome}, as with {was}")
    same_release = cell["upstream"]["version"] == base["upstream"]["version"]
    drift = _drifted(cell, base) if same_release else []
    cause = f" with the same release; dependencies changed: {', '.join(drift)}" if drift else ""
    if outcome == Outcome.LEAK:
        return Change(
            REGRESSION if not drift else DRIFT,
            cell,
            base,
            f"{where}: LEAKS again; it was clean with {was}{cause}",
        )
    if drift:
        return Change(DRIFT, cell, base, f"{where}: clean now, leaked with {was}{cause}")
    return Change(
        FIXED_UPSTREAM,
        cell,
        base,
        f"{where}: clean now, leaked with {was}. If upstream fixed it, give the releases from "
        f"{release} a rule of their own in cases/{cell['case']}/case.toml (the rule that "
        f"covers {release} says: {cell['expected_why']})",
    )


def compare(cells: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> list[Change]:
    known = {results.cell_key(c): c for c in baseline}
    return [classify(cell, known.get(results.cell_key(cell))) for cell in cells]


def failing(changes: list[Change]) -> list[Change]:
    """The changes that fail the check. Drift fails only when it made a clean cell leak."""
    return [
        c
        for c in changes
        if c.kind in FAILING or (c.kind == DRIFT and c.cell["outcome"] == Outcome.LEAK)
    ]


def render(changes: list[Change], releases: dict[str, list[str]]) -> str:
    """Markdown: the releases used, then the changes by kind, failing kinds first."""
    lines = ["# Regression check", "", "Newest releases used:", ""]
    lines += [
        f"- {package}: {', '.join(versions)}" for package, versions in sorted(releases.items())
    ]
    for kind in (REGRESSION, BROKEN, DRIFT, FIXED_UPSTREAM, NEW, UNCHANGED, SKIPPED):
        mine = [c for c in changes if c.kind == kind]
        if mine:
            lines += ["", f"## {kind} ({len(mine)})", ""]
            lines += [f"- {' '.join(c.message.split())}" for c in mine]
    bad = failing(changes)
    lines += ["", f"Verdict: {'FAIL' if bad else 'pass'} ({len(bad)} failing of {len(changes)})"]
    return "\n".join(lines) + "\n"
