"""The regression check: every case's ``latest`` cells, run against the newest releases,
compared with the committed baseline.

What changed is sorted into kinds; only a fixed leak that came back and a reproducer that no
longer runs fail the check. An open leak that upstream fixed is a notice that names the
expectation to update. A cell that flipped while its dependencies drifted too is run again with
the baseline's dependencies as constraints: if it flips back, the dependencies did it
(``dependency-drift``, naming them); if not, upstream did.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from harness import results
from harness.outcomes import NO_VERDICT, Outcome, Word, shorten
from harness.records import Cell
from harness.report.tables import upstream_label
from harness.run import batch, plan, venvs


class Kind(Word):
    """What changed for a cell, in the order the report lists them (failing kinds first)."""

    REGRESSION = "regression"  # clean in the baseline, leaks now: fails
    BROKEN = "broken"  # the reproducer no longer runs (error or flaky): fails
    DRIFT = "dependency-drift"  # other outcome, and the baseline's dependencies bring it back
    FIXED_UPSTREAM = "fixed-upstream"  # leaked in the baseline, clean now: notice
    NEW = "new"  # no baseline cell to compare with
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


FAILING = (Kind.REGRESSION, Kind.BROKEN)


@dataclass(frozen=True)
class Change:
    kind: Kind
    cell: Cell
    baseline: Cell | None
    message: str


def drift(cell: Cell, base: Cell) -> list[str]:
    """The distributions other than the upstream package itself that differ from the
    baseline's (the upstream package's own change is the upstream change)."""
    upstream = canonicalize_name(cell["upstream"]["package"])
    old = {canonicalize_name(k): (k, v) for k, v in base["distributions"].items()}
    new = {canonicalize_name(k): (k, v) for k, v in cell["distributions"].items()}
    return sorted(
        f"{(new.get(name) or old[name])[0]} {old.get(name, ('', '-'))[1]} -> "
        f"{new.get(name, ('', '-'))[1]}"
        for name in set(old) | set(new)
        if name != upstream and old.get(name, (None, None))[1] != new.get(name, (None, None))[1]
    )


def _flipped(cell: Cell, base: Cell | None) -> bool:
    verdicts = (Outcome.LEAK, Outcome.CLEAN)
    return (
        base is not None
        and cell["outcome"] in verdicts
        and base["outcome"] in verdicts
        and cell["outcome"] != base["outcome"]
    )


def to_separate(cells: list[Cell], baseline: list[Cell]) -> list[tuple[Cell, list[str]]]:
    """The cells whose verdict flipped while their dependencies drifted, each with the
    baseline's dependencies (all but the upstream package) as ``name==version`` constraints:
    run again with those, a cell tells whether upstream or the dependencies made it flip."""
    known = {results.cell_key(c): c for c in baseline}
    found = []
    for cell in cells:
        base = known.get(results.cell_key(cell))
        if base is not None and _flipped(cell, base) and drift(cell, base):
            upstream = canonicalize_name(cell["upstream"]["package"])
            pins = sorted(
                f"{name}=={version}"
                for name, version in base["distributions"].items()
                if canonicalize_name(name) != upstream
            )
            found.append((cell, pins))
    return found


def fresh_envs(envs: Path, default: Path) -> Path:
    """Where the check builds its environments: a fresh folder unless one was named. A reused
    environment would keep the dependencies it resolved back then, and dependency drift is one
    of the things this check is for."""
    return Path(tempfile.mkdtemp(prefix="regression-envs-")) if envs == default else envs


def pinned_reruns(
    planned: list[plan.Planned],
    cells: list[Cell],
    baseline: list[Cell],
    settings: batch.Settings,
    command: str,
    path: Path,
) -> list[Cell]:
    """The cells that flipped while their dependencies drifted, run again with the baseline's
    dependencies as constraints (written beside the run, ``...-pinned.json``, a run of
    ``command`` of its own)."""
    doubtful = to_separate(cells, baseline)
    if not doubtful:
        return []
    by_key = {results.cell_key(p.cell.fields()): p for p in planned}
    again = []
    for cell, pins in doubtful:
        first = by_key[results.cell_key(cell)]
        constraints = venvs.constraints_file(pins, settings.envs)
        again.append(
            dataclasses.replace(first, requirements=(*first.requirements, "-c", str(constraints)))
        )
    pinned_path = path.with_name(path.stem + "-pinned.json")
    print(
        f"regression: {len(again)} cells flipped while their dependencies changed; running them "
        f"again with the baseline's dependencies; writing {pinned_path}"
    )
    writer = results.RunWriter(pinned_path, results.new_run(command, settings.backend))
    batch.run_planned(again, settings, writer)
    return list(writer.document["cells"])


def releases_used(cells: list[Cell]) -> dict[str, list[str]]:
    """The upstream releases the cells ran, by package."""
    used: dict[str, set[str]] = {}
    for cell in cells:
        if cell["upstream"]["version"]:
            used.setdefault(cell["upstream"]["package"], set()).add(
                upstream_label(cell["upstream"])
            )
    return {k: sorted(v) for k, v in used.items()}


def classify(cell: Cell, base: Cell | None, pinned: Cell | None = None) -> Change:
    """What changed. ``pinned`` is the cell run again with the baseline's dependencies, for a
    cell that flipped while they drifted (see ``to_separate``)."""
    release = cell["upstream"]["version"] or "no release resolved"
    where = (
        f"{cell['case']}/{cell['check']} on Python {cell['python_requested']} "
        f"({cell['upstream']['package']} {release})"
    )
    outcome = cell["outcome"]
    if outcome == Outcome.SKIP:
        return Change(Kind.SKIPPED, cell, base, f"{where}: skipped: {cell['reason']}")
    if outcome in NO_VERDICT:
        return Change(
            Kind.BROKEN,
            cell,
            base,
            f"{where}: the reproducer no longer gives a verdict ({outcome}): "
            f"{shorten(cell['reason'])}",
        )
    if outcome == Outcome.ABSENT and base is not None and base["outcome"] != Outcome.ABSENT:
        return Change(
            Kind.BROKEN,
            cell,
            base,
            f"{where}: the code path is gone ({shorten(cell['reason'])}); it was "
            f"{base['outcome']}: the reproducer must follow upstream",
        )
    if base is None or base["outcome"] not in (Outcome.LEAK, Outcome.CLEAN, Outcome.ABSENT):
        return Change(
            Kind.NEW, cell, base, f"{where}: {outcome}; no baseline verdict to compare with"
        )
    was = f"{base['upstream']['package']} {base['upstream']['version']}"
    if outcome == base["outcome"]:
        return Change(Kind.UNCHANGED, cell, base, f"{where}: {outcome}, as with {was}")
    drifted = drift(cell, base)
    if drifted:
        changed = f"dependencies changed too: {', '.join(drifted)}"
        if pinned is None or pinned["outcome"] not in (Outcome.LEAK, Outcome.CLEAN):
            rerun = (
                "it was not run again with the baseline's dependencies"
                if pinned is None
                else f"run again with the baseline's dependencies it gave {pinned['outcome']} "
                f"({shorten(pinned['reason'])})"
            )
            # Undecided: a leak still fails the check, whichever side caused it.
            return Change(
                Kind.REGRESSION if outcome == Outcome.LEAK else Kind.DRIFT,
                cell,
                base,
                f"{where}: {outcome} now, {base['outcome']} with {was}; upstream or the "
                f"dependencies? undecided: {rerun}; {changed}",
            )
        if pinned["outcome"] == base["outcome"]:
            return Change(
                Kind.DRIFT,
                cell,
                base,
                f"{where}: {outcome} now, {base['outcome']} with {was}; with the baseline's "
                f"dependencies pinned it is {pinned['outcome']} again, so the dependencies "
                f"caused it: {', '.join(drifted)}",
            )
        cause = f"; with the baseline's dependencies pinned it is still {outcome} ({changed})"
    else:
        cause = ""
    if outcome == Outcome.LEAK:
        return Change(
            Kind.REGRESSION, cell, base, f"{where}: LEAKS again; it was clean with {was}{cause}"
        )
    return Change(
        Kind.FIXED_UPSTREAM,
        cell,
        base,
        f"{where}: clean now, leaked with {was}{cause}. If upstream fixed it, give the releases "
        f"from {release} a rule of their own in cases/{cell['case']}/case.toml (the rule that "
        f"covers {release} says: {cell['expected_why']})",
    )


def compare(
    cells: list[Cell],
    baseline: list[Cell],
    pinned: Sequence[Cell] = (),
) -> list[Change]:
    """What changed for each cell; ``pinned`` holds the reruns of ``to_separate``'s cells."""
    known = {results.cell_key(c): c for c in baseline}
    again = {results.cell_key(c): c for c in pinned}
    return [
        classify(cell, known.get(results.cell_key(cell)), again.get(results.cell_key(cell)))
        for cell in cells
    ]


def failing(changes: list[Change]) -> list[Change]:
    """The changes that fail the check. Drift fails only when it made a clean cell leak."""
    return [
        c
        for c in changes
        if c.kind in FAILING or (c.kind == Kind.DRIFT and c.cell["outcome"] == Outcome.LEAK)
    ]


def render(changes: list[Change], releases: dict[str, list[str]]) -> str:
    """Markdown: the releases used, then the changes by kind, failing kinds first."""
    lines = ["# Regression check", "", "Newest releases used:", ""]
    lines += [
        f"- {package}: {', '.join(versions)}" for package, versions in sorted(releases.items())
    ]
    for kind in Kind:
        mine = [c for c in changes if c.kind == kind]
        if mine:
            lines += ["", f"## {kind} ({len(mine)})", ""]
            lines += [f"- {' '.join(c.message.split())}" for c in mine]
    bad = failing(changes)
    lines += ["", f"Verdict: {'FAIL' if bad else 'pass'} ({len(bad)} failing of {len(changes)})"]
    return "\n".join(lines) + "\n"
