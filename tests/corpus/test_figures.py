"""Figures in prose rendered from cells: ranges, extremes, and loud failures."""

from __future__ import annotations

from typing import Any

import pytest

from harness.corpus import figures
from harness.corpus.figures import FigureError


def cell(
    variant: str, values: list[Any], outcome: str = "clean", check: str = "memory"
) -> dict[str, Any]:
    return {
        "case": "demo-1",
        "check": check,
        "variant": variant,
        "outcome": outcome,
        "evidence": {"runs": [{"recorded": {"memory": {"peak_mb": v}}} for v in values]},
    }


CELLS = [cell("affected", [44.5, 45.25]), cell("workaround", [60.0]), cell("patched", [7])]
FIELD = "recorded.memory.peak_mb"


@pytest.mark.parametrize(
    "reduce, expected",
    [("range", "44.5-60.0"), ("min", "44.5"), ("max", "60.0")],
)
def test_a_placeholder_becomes_its_figure_over_every_run_of_its_cells(
    reduce: str, expected: str
) -> None:
    text = f"peak {{cells:memory/affected,memory/workaround:{FIELD} {reduce}}} MB"
    assert figures.fill(text, "demo-1", CELLS) == f"peak {expected} MB"


def test_a_range_of_one_value_is_that_value_and_integers_stay_integers() -> None:
    assert figures.fill(f"{{cells:memory/patched:{FIELD} range}}", "demo-1", CELLS) == "7"


def test_several_placeholders_in_one_text_each_take_their_own_cells() -> None:
    text = f"{{cells:memory/patched:{FIELD} max}} and {{cells:memory/workaround:{FIELD} min}}"
    assert figures.fill(text, "demo-1", CELLS) == "7 and 60.0"


def test_text_without_placeholders_is_unchanged() -> None:
    assert figures.fill("no figures {here}", "demo-1", []) == "no figures {here}"


def test_cells_of_another_case_or_without_a_verdict_do_not_count() -> None:
    others = [
        cell("affected", [1.0], outcome="error"),
        cell("affected", [2.0], outcome="skip"),
        cell("affected", [3.0]) | {"case": "demo-2"},
        cell("affected", [4.0], check="other"),
        cell("affected", [50.0]),
    ]
    assert figures.fill(f"{{cells:memory/affected:{FIELD} range}}", "demo-1", others) == "50.0"


def test_no_cell_with_a_verdict_is_an_error_naming_the_placeholder() -> None:
    text = f"{{cells:memory/fixed:{FIELD} range}}"
    with pytest.raises(FigureError, match=r"demo-1: \{cells:memory/fixed:.*no committed cell"):
        figures.fill(text, "demo-1", CELLS + [cell("fixed", [1.0], outcome="error")])


def test_a_field_no_run_recorded_is_an_error() -> None:
    with pytest.raises(FigureError, match="no run of its 1 cells recorded it"):
        figures.fill("{cells:memory/patched:recorded.memory.gone max}", "demo-1", CELLS)


@pytest.mark.parametrize("value", ["83 MB", True, {"mb": 1}])
def test_a_value_that_is_not_a_number_is_an_error(value: Any) -> None:
    with pytest.raises(FigureError, match="holds"):
        figures.fill(f"{{cells:memory/odd:{FIELD} max}}", "demo-1", [cell("odd", [value])])


@pytest.mark.parametrize(
    "text",
    [
        f"{{cells:memory/affected:{FIELD} mean}}",  # unknown reduction
        f"{{cells:memory:{FIELD} max}}",  # no variant
        "{cells:memory/affected max}",  # no field
    ],
)
def test_a_malformed_placeholder_is_an_error_never_left_in_the_text(text: str) -> None:
    with pytest.raises(FigureError, match="malformed placeholder"):
        figures.fill(text, "demo-1", CELLS)
