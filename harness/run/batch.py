"""Running a batch of cells into one result file: resolved, scheduled longest first, each
record written and its progress line printed as it finishes.

Every command that runs cells (all, run, regression, history, blind) runs them through
here, with ``Settings`` saying how: nothing here reads the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness import results
from harness.outcomes import Outcome, shorten
from harness.records import Cell
from harness.run import plan, sources, venvs
from harness.run.engine import Engine


@dataclass(frozen=True)
class Settings:
    """How a batch runs: where the cells' environments live and with which backend, how many
    cells at once, the probes blinded in every run, the results folder whose baseline orders
    the cells, and PyPI's cache."""

    envs: Path
    results: Path
    pypi_cache: Path
    backend: str = venvs.DEFAULT_BACKEND
    jobs: int = 1
    blind: tuple[str, ...] = ()


def longest_first(planned: list[plan.Planned], results_dir: Path) -> list[plan.Planned]:
    """Cells that took longest in this OS's baseline start first, so that the last cells to
    finish are short ones and no core idles at the end (cells new to the baseline go first)."""
    try:
        cells = results.load(results_dir / "baseline" / f"{plan.PLATFORM}.json")["cells"]
    except ValueError:  # no baseline, or one this run must not touch: keep the plan's order
        return planned
    took = {results.cell_key(c): c["duration_s"] for c in cells}
    return sorted(planned, key=lambda p: -took.get(results.cell_key(p.cell.fields()), float("inf")))


def progress(total: int) -> Callable[[Cell], None]:
    """Prints one line per finished cell (and the reason of one that did not decide)."""
    done = [0]

    def show(cell: Cell) -> None:
        done[0] += 1
        mark = "  <-- DISAGREES" if cell["agrees"] is False else ""
        version = cell["upstream"]["version"] or "-"
        print(
            f"[{done[0]}/{total}] {cell['case']}/{cell['check']}/{cell['variant']}@"
            f"{cell['release']} ({version}) py{cell['python_requested']}: {cell['outcome']}"
            f" (expected {cell['expected']}) {cell['duration_s']:.1f}s{mark}",
            flush=True,
        )
        if cell["outcome"] in (Outcome.ERROR, Outcome.FLAKY, Outcome.SKIP, Outcome.ABSENT):
            print(f"    {shorten(cell['reason'], 400)}", flush=True)

    return show


def execute(
    cells: list[plan.Cell],
    settings: Settings,
    writer: results.RunWriter,
    source: sources.Source | None = None,
) -> list[plan.Planned]:
    """Run the cells, each record written as it finishes; the plan they ran from."""
    planned = [plan.resolve(cell, settings.pypi_cache, source) for cell in cells]
    run_planned(planned, settings, writer)
    return planned


def run_planned(planned: list[plan.Planned], settings: Settings, writer: results.RunWriter) -> None:
    """Run cells already resolved, longest first; the writer's run is finished after them."""
    ordered = longest_first(planned, settings.results)
    show = progress(len(ordered))

    def on_cell(record: Cell) -> None:
        writer.add(record)
        show(record)

    Engine(
        settings.envs,
        backend=settings.backend,
        jobs=settings.jobs,
        blind=settings.blind,
        on_cell=on_cell,
    ).run(ordered)
    writer.finish()
