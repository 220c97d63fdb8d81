"""README.md's generated parts: written between their markers, and current."""

from __future__ import annotations

import re
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


def test_the_readme_shows_every_claim_the_cases_hold() -> None:
    text = readme.README.read_text(encoding="utf-8")
    section = re.search(r"<!-- claims:start -->\n(.*?)<!-- claims:end -->", text, re.DOTALL)
    assert section is not None
    expected = readme.claims(metadata.load_all(), committed.cells())
    assert section.group(1) == expected, "run `nox -s readme`"


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
        "[the evidence page](results/cases/demo-1.html)) |"
    ) in text
    assert "| W1.2 | It is slow. | **wrong** | measured (cells: real/affected) |" in text


def test_a_figure_with_no_cell_stops_the_claims_from_rendering(tmp_path: Path) -> None:
    with pytest.raises(figures.FigureError, match="no committed cell"):
        readme.claims([demo_case(tmp_path)], [])
