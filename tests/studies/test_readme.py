"""The docs' generated parts (harness/studies/readme.py): written between their markers in the
page each belongs to, and current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.corpus import committed, figures, metadata
from harness.studies import readme


def test_a_section_is_replaced_between_its_markers_only(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text("head\n<!-- x:start -->\nold\n<!-- x:end -->\ntail\n")
    readme.update("x", "new | text\n", page)
    assert page.read_text() == "head\n<!-- x:start -->\nnew | text\n<!-- x:end -->\ntail\n"


def test_a_readme_without_the_markers_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text("no markers\n")
    with pytest.raises(ValueError, match="no <!-- x:start -->"):
        readme.update("x", "text\n", page)


@pytest.mark.parametrize("name", sorted(readme.PAGES))
def test_every_generated_part_has_its_markers_in_its_page(name: str) -> None:
    assert readme.PAGES[name].parent == readme.DOCS
    assert readme.section(name) is not None, f"{readme.PAGES[name]} lacks the {name} markers"


def test_the_cases_page_shows_every_claim_the_cases_hold() -> None:
    expected = readme.claims(metadata.load_all(), committed.cells())
    assert readme.section("claims") == expected, "run `nox -s readme`"


def test_the_result_format_page_shows_what_the_baselines_hold() -> None:
    assert readme.section("baselines") == readme.baselines(), "run `nox -s readme`"


def test_the_baselines_are_counted_from_their_cells_and_runs(tmp_path: Path) -> None:
    def cell(case: str, python: str, outcome: str, agrees: bool | None) -> dict[str, Any]:
        return {"case": case, "python_requested": python, "outcome": outcome, "agrees": agrees}

    cells = [
        cell("a-1", "3.10", "leak", True),
        cell("a-1", "3.9", "clean", True),
        cell("b-2", "3.9", "clean", False),
        cell("b-2", "3.14", "skip", None),
    ]
    runs = [{"corpus": {"dirty": True}}, {"corpus": {"dirty": False}}, {}]
    document = {"cells": cells, "run": {"merged_from": runs, "corpus": {"dirty": True}}}
    (tmp_path / "linux.json").write_text(json.dumps(document))
    assert readme.baselines(tmp_path) == (
        "- [`results/baseline/linux.json`](../results/baseline/linux.json) (Linux): 4 cells of 2 "
        "cases (1 leak, 2 clean, 1 skip); 1 cells disagree with their expectation. Cells ran on "
        "Python 3.9 and 3.10; on 3.14 every cell is `skip`. Merged from 4 runs, 2 of them from "
        "trees with uncommitted changes.\n"
    )
    assert readme.baselines(tmp_path / "none") == "(no committed baseline)\n"


def test_a_part_without_markers_in_its_page_is_not_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("nothing generated\n")
    assert readme.section("claims", page) is None


CASE = """
id = "demo-1"
title = "a demo"
package = "demo"
repository = "https://example.invalid/demo"
issue = "https://example.invalid/demo/issues/1"
status = "open"
fix = "none"
leak = "a folder"
platforms = ["win32"]
notes = "demo"

[checks.doubles]
reproducer = "repro.py"
reaches = ["path"]
probes = [{ probe = "temp_leftovers" }]
evidence = "simulated"
assumptions = "README.md"

[checks.real]
reproducer = "repro.py"
reaches = ["path"]
probes = [{ probe = "temp_leftovers" }]

[variants.affected]
releases = ["1.0"]

[[expect]]
upstream = ">=1"
outcome = "leak"
why = "issue #1"

[[claims]]
id = "W1.1"
claim = "It leaks."
verdict = "confirmed-in-simulation"
evidence = "in simulation, {cells:doubles/affected:recorded.mb range} MB"
cells = ["doubles/affected"]

[[claims]]
id = "W1.2"
claim = "It is slow."
verdict = "wrong"
evidence = "measured"
cells = ["real/affected"]
"""


def demo_case(tmp_path: Path) -> metadata.Case:
    (tmp_path / "demo-1").mkdir()
    (tmp_path / "demo-1" / "repro.py").write_text("")
    (tmp_path / "demo-1" / "case.toml").write_text(CASE)
    return metadata.load(tmp_path / "demo-1" / "case.toml")


def demo_cell(mb: float) -> dict[str, Any]:
    return {
        "case": "demo-1",
        "check": "doubles",
        "variant": "affected",
        "outcome": "leak",
        "evidence": {"runs": [{"recorded": {"mb": mb}}]},
    }


def test_claims_render_their_figures_and_lead_simulated_cells_to_the_assumptions(
    tmp_path: Path,
) -> None:
    text = readme.claims([demo_case(tmp_path)], [demo_cell(2.0), demo_cell(3.5)])
    assert (
        "| W1.1 | It leaks. | **confirmed-in-simulation** | in simulation, 2.0-3.5 MB "
        "(cells: doubles/affected; in simulation: assumptions on "
        "[the evidence page](../results/cases/demo-1.html)) |"
    ) in text
    assert "| W1.2 | It is slow. | **wrong** | measured (cells: real/affected) |" in text


def test_a_figure_with_no_cell_stops_the_claims_from_rendering(tmp_path: Path) -> None:
    with pytest.raises(figures.FigureError, match="no committed cell"):
        readme.claims([demo_case(tmp_path)], [])
