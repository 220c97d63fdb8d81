"""The matrix report: any number of result files (several OSes, machines, runs) merged into
one matrix, rendered to Markdown and HTML from templates, and summarised on the terminal.

Where two files hold the same cell (same case, check, variant, release, OS and Python), the
one from the later run wins. Everything that came from a process is escaped in the HTML.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from . import results
from .outcomes import Outcome, python_key, shorten

TEMPLATES = Path(__file__).parent / "templates"
SYMBOL = {
    Outcome.LEAK: "LEAK",
    Outcome.CLEAN: "clean",
    Outcome.ABSENT: "absent",
    Outcome.ERROR: "ERROR",
    Outcome.SKIP: "skip",
    Outcome.FLAKY: "FLAKY",
}


@dataclass(frozen=True)
class Matrix:
    cells: list[dict[str, Any]]
    columns: list[tuple[str, str]]  # (os, python)
    rows: list[tuple[str, str, str, str]]  # (case, check, variant, release)
    sources: list[dict[str, Any]]  # the run headers merged

    def at(self, row: tuple[str, str, str, str], column: tuple[str, str]) -> dict[str, Any] | None:
        return self._index.get((*row, *column))

    @cached_property
    def _index(self) -> dict[tuple[str, ...], dict[str, Any]]:
        return {results.cell_key(c): c for c in self.cells}

    @property
    def disagreements(self) -> list[dict[str, Any]]:
        return [c for c in self.cells if c["agrees"] is False]


def upstream_label(upstream: dict[str, Any]) -> str:
    """``nicegui 3.18.0``, or for unreleased code what it was, never shown as a release:
    ``nicegui 3.19.0.dev0 (unreleased path /src/nicegui @ 1a2b3c4d, dirty)``."""
    label = f"{upstream['package']} {upstream['version'] or '-'}"
    source = upstream.get("source")
    if not source:
        return label
    commit = f" @ {source['commit'][:12]}" if source.get("commit") else ""
    dirty = ", dirty" if source.get("dirty") else ""
    return f"{label} (unreleased {source['kind']} {source['location']}{commit}{dirty})"


def merge(documents: list[dict[str, Any]]) -> Matrix:
    chosen: dict[tuple[str, ...], tuple[str, dict[str, Any]]] = {}
    for document in documents:
        started = document["run"]["started"]
        for cell in document["cells"]:
            key = results.cell_key(cell)
            if key not in chosen or chosen[key][0] <= started:
                chosen[key] = (started, cell)
    cells = sorted((cell for _, cell in chosen.values()), key=results.cell_sort_key)
    columns = sorted(
        {(c["os"], c["python_requested"]) for c in cells},
        key=lambda col: (col[0], python_key(col[1])),
    )
    rows = list(dict.fromkeys((c["case"], c["check"], c["variant"], c["release"]) for c in cells))
    return Matrix(cells, columns, rows, [d["run"] for d in documents])


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda text: " ".join(str(text).split()).replace("|", "\\|")
    env.globals["SYMBOL"] = SYMBOL
    return env


def render(matrix: Matrix, fmt: str, histories: list[str] = ()) -> str:
    env = _environment(autoescape=fmt == "html")
    return env.get_template(f"matrix.{fmt}.j2").render(matrix=matrix, histories=histories)


def write(matrix: Matrix, out_dir: Path) -> list[Path]:
    """matrix.md and matrix.html in out_dir, linking the release histories kept beside them."""
    histories = [p.relative_to(out_dir).as_posix() for p in sorted(out_dir.glob("history/*.md"))]
    written = []
    for fmt in ("md", "html"):
        path = out_dir / f"matrix.{fmt}"
        results.write_atomic(path, render(matrix, fmt, histories))
        written.append(path)
    return written


def summary(matrix: Matrix) -> str:
    """The terminal summary: outcomes per case, then every cell that disagrees."""
    lines = [f"{'case':<18} {'cells':>5} " + " ".join(f"{o:>6}" for o in SYMBOL) + "  disagree"]
    for case in dict.fromkeys(c["case"] for c in matrix.cells):
        mine = [c for c in matrix.cells if c["case"] == case]
        counts = Counter(c["outcome"] for c in mine)
        bad = sum(c["agrees"] is False for c in mine)
        lines.append(
            f"{case:<18} {len(mine):>5} "
            + " ".join(f"{counts[o]:>6}" for o in SYMBOL)
            + f"  {bad:>8}"
        )
    for cell in matrix.disagreements:
        lines.append(
            f"DISAGREES {cell['case']}/{cell['check']}/{cell['variant']}@"
            f"{cell['release']} {cell['os']} py{cell['python_requested']}: "
            f"{cell['outcome']} (expected {cell['expected']}): "
            f"{shorten(cell['reason'])}"
        )
    return "\n".join(lines)
