"""The matrix on a terminal: the verdict and totals first, then the counts per case, then each
cell that disagrees, and the paths of what was written last. Colour only on a terminal and
never when NO_COLOR is set (https://no-color.org); every line fits the terminal's width and
carries no control character from a process."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from harness import text
from harness.outcomes import Outcome
from harness.report.tables import Matrix, Totals, count, os_name, upstream_label

_RED, _GREEN, _BOLD, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"


def use_colour(stream: IO[str] | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Colour on a terminal unless NO_COLOR or TERM=dumb; the defaults are read at the call
    (sys.stdout then, not the one at import: a test's capture may have replaced it)."""
    stream = sys.stdout if stream is None else stream
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _counts(t: Totals) -> str:
    seen = ", ".join(
        f"{t.outcomes[o]} {o}" for o in Outcome if o != Outcome.SKIP and t.outcomes[str(o)]
    )
    return (
        f"{t.cells} {'cell' if t.cells == 1 else 'cells'}: {t.ran} ran ({seen or 'none'}), "
        f"{t.agree} agree, "
        f"{t.disagree} disagree; {t.skipped} skipped (never counted as agreeing), "
        f"{t.absent} absent"
    )


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def summary(
    matrix: Matrix,
    written: Sequence[Path] = (),
    width: int | None = None,
    colour: bool | None = None,
) -> str:
    width = max(40, width or shutil.get_terminal_size((100, 24)).columns)
    colour = use_colour() if colour is None else colour
    t = matrix.totals

    def paint(line: str, *codes: str) -> str:
        line = _fit(line, width)
        return "".join(codes) + line + _RESET if colour else line

    verdict = f"{'Disagreement' if t.disagree else 'Verdict'}: {t.verdict}."
    lines = [paint(verdict, _BOLD, _RED if t.disagree else _GREEN)]
    lines += textwrap.wrap(_counts(t), width, subsequent_indent="  ")
    head = (
        f"{'case':<20} {'ran':>5} {'agree':>6} {'disagree':>9} "
        f"{Outcome.SKIP:>5} {Outcome.ABSENT:>7}"
    )
    lines += ["", _fit(head, width)]
    for case in matrix.cases:
        c = count([cell for cell in matrix.cells if cell["case"] == case])
        row = f"{case:<20} {c.ran:>5} {c.agree:>6} {c.disagree:>9} {c.skipped:>5} {c.absent:>7}"
        lines.append(paint(row, _RED) if c.disagree else _fit(row, width))
    if matrix.disagreements:
        lines += ["", paint(f"{t.verdict}:", _BOLD)]
    for cell in matrix.disagreements:
        where = (
            f"{cell['case']} {cell['check']} {cell['variant']} {cell['release']}, "
            f"{os_name(cell['os'])}, Python {cell['python_requested']}"
        )
        lines.append(_fit(f"  {text.line(where)}", width))
        got = f"    {cell['outcome']}, expected {cell['expected'] or 'nothing (no rule)'}: "
        lines.append(paint(got + text.line(cell["reason"], width), _RED))
    if written:
        lines.append("")
        lines += [f"wrote {path}" for path in written]  # paths last, whole (they are for copying)
    return "\n".join(lines)


def cell_detail(cell: Mapping[str, Any]) -> str:
    """One cell with its evidence, as ``run`` prints it: the outcome against the expectation,
    the reason, and each run's exit status, note and recorded evidence."""
    lines = [
        (
            f"\n== {cell['case']}/{cell['check']}/{cell['variant']} "
            f"{upstream_label(cell['upstream'])} "
            f"Python {cell['python'] or cell['python_requested']}"
        ),
        (
            f"outcome: {cell['outcome']}   expected: {cell['expected']}"
            f"{'   (DISAGREES)' if cell['agrees'] is False else ''}"
        ),
    ]
    if cell["blind"]:
        lines.append(f"blinded on: {', '.join(cell['blind'])}")
    lines.append(f"reason: {cell['reason']}")
    for index, run in enumerate(cell["evidence"]["runs"], 1):
        lines.append(f"run {index}: {run['outcome']} exit={run['exit_code']} {run['duration_s']}s")
        if run["recorded"].get("note"):
            lines.append(f"  note: {run['recorded']['note']}")
        lines.append("  evidence: " + json.dumps(run["recorded"], sort_keys=True)[:2000])
    return "\n".join(lines)
