"""Figures in prose, rendered from the committed cells so that they cannot go stale.

A claim's evidence (or a case's ``finding``) may hold placeholders such as

    {cells:memory/affected,memory/workaround:recorded.memory.peak_growth_mb range}

- ``memory/affected,memory/workaround``: the cells, each ``check/variant`` of the case (a release
  history's cells have the variant ``history``);
- ``recorded.memory.peak_growth_mb``: the field, a dotted path into each run of those cells
  (``recorded.`` what the reproducer recorded, ``findings.`` what the probes found);
- ``range`` (``lowest-highest``, one number when they are equal), ``min`` or ``max``.

Only cells that reached a verdict count (not ``error``, not ``skip``). A placeholder that names no
such cell, a field no run recorded, a value that is not a number or a malformed placeholder is a
FigureError naming the placeholder: the text is never rendered with a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from harness.errors import BadInput
from harness.outcomes import Outcome
from harness.records import Cell, RunEvidence

_OPENING = "{cells:"
_PLACEHOLDER = re.compile(
    r"\{cells:(?P<select>[\w.-]+/[\w.-]+(?:,[\w.-]+/[\w.-]+)*)"
    r":(?P<field>[\w-]+(?:\.[\w-]+)*) (?P<reduce>range|min|max)\}"
)
_NO_VERDICT = (Outcome.ERROR, Outcome.SKIP)


class FigureError(BadInput):
    """A placeholder that cannot be rendered from the cells; the message names it."""


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def _lookup(run: RunEvidence, path: list[str]) -> Any:
    value: Any = run
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _values(
    case_id: str, select: list[tuple[str, str]], path: list[str], cells: Iterable[Cell]
) -> tuple[int, list[float]]:
    matched, values = 0, []
    for cell in cells:
        if cell["case"] != case_id or (cell["check"], cell["variant"]) not in select:
            continue
        if cell["outcome"] in _NO_VERDICT:
            continue
        matched += 1
        for run in cell["evidence"]["runs"]:
            value = _lookup(run, path)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise FigureError(
                    f"{case_id}: {{cells:...}} field {'.'.join(path)} holds {value!r}"
                )
            values.append(value)
    return matched, values


def _render(case_id: str, match: re.Match[str], cells: list[Cell]) -> str:
    placeholder = match.group(0)
    select = [(c, v) for c, _, v in (s.partition("/") for s in match.group("select").split(","))]
    matched, values = _values(case_id, select, match.group("field").split("."), cells)
    if not matched:
        raise FigureError(f"{case_id}: {placeholder}: no committed cell with a verdict")
    if not values:
        raise FigureError(f"{case_id}: {placeholder}: no run of its {matched} cells recorded it")
    low, high = min(values), max(values)
    reduce = match.group("reduce")
    if reduce == "min":
        return _number(low)
    if reduce == "max":
        return _number(high)
    return _number(low) if low == high else f"{_number(low)}-{_number(high)}"


def fill(text: str, case_id: str, cells: list[Cell]) -> str:
    """text with every placeholder replaced by its figure from the cells of case_id."""
    rendered = _PLACEHOLDER.sub(lambda m: _render(case_id, m, cells), text)
    if _OPENING in rendered:
        start = rendered.index(_OPENING)
        raise FigureError(
            f"{case_id}: malformed placeholder {rendered[start : start + 80]!r} "
            "(written {cells:CHECK/VARIANT[,...]:FIELD.PATH range|min|max})"
        )
    return rendered
