"""Words no stronger than the evidence: the rules on fixture cases, then the real corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.corpus import committed, metadata, wording
from harness.corpus.metadata import Case

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
claim = "Every run leaves a folder on Windows."
verdict = "VERDICT"
evidence = "EVIDENCE"
cells = ["CELL"]
"""


def demo(tmp_path: Path, verdict: str, evidence: str, cell: str = "doubles/affected") -> Case:
    folder = tmp_path / "demo-1"
    folder.mkdir(exist_ok=True)
    (folder / "repro.py").write_text("")
    text = CASE.replace("VERDICT", verdict).replace("EVIDENCE", evidence).replace("CELL", cell)
    (folder / "case.toml").write_text(text)
    return metadata.load(folder / "case.toml")


def cell(check: str, kind: str, os_name: str = "win32", outcome: str = "leak") -> dict[str, Any]:
    return {
        "case": "demo-1",
        "check": check,
        "variant": "affected",
        "os": os_name,
        "evidence_kind": kind,
        "outcome": outcome,
    }


SIMULATED = [cell("doubles", "simulated", "linux")]
NATIVE_WINDOWS = [cell("real", "native")]


def claim_problems(case: Case, cells: list[dict[str, Any]]) -> list[str]:
    return wording.problems(case, cells, texts={})


def test_confirmed_from_simulated_cells_alone_is_an_overstatement(tmp_path: Path) -> None:
    case = demo(tmp_path, "confirmed", "in simulation")
    assert claim_problems(case, SIMULATED) == [
        (
            "demo-1 W1.1: verdict confirmed, but no native cell it cites ran on Windows "
            "(native cells it cites ran on: none)"
        )
    ]


def test_confirmed_in_simulation_from_simulated_cells_holds(tmp_path: Path) -> None:
    case = demo(tmp_path, "confirmed-in-simulation", "in simulation: doubles")
    assert claim_problems(case, SIMULATED) == []


def test_confirmed_in_simulation_needs_a_simulated_cell_that_ran(tmp_path: Path) -> None:
    case = demo(tmp_path, "confirmed-in-simulation", "in simulation: doubles")
    skipped = [cell("doubles", "simulated", "linux", outcome="skip")]
    assert claim_problems(case, skipped) == [
        "demo-1 W1.1: verdict confirmed-in-simulation, but no simulated cell it cites ran"
    ]


def test_confirmed_holds_with_a_native_cell_on_the_os_the_claim_names(tmp_path: Path) -> None:
    case = demo(tmp_path, "confirmed", "seen", cell="real/affected")
    assert claim_problems(case, NATIVE_WINDOWS) == []


@pytest.mark.parametrize(
    "cells",
    [
        [cell("real", "native", "linux")],  # another OS than the claim names
        [cell("real", "native", outcome="error")],  # no verdict
        [cell("real", "native") | {"variant": "history"}],  # a cell the claim does not cite
    ],
    ids=["other-os", "error", "not-cited"],
)
def test_confirmed_needs_a_cited_native_cell_with_a_verdict_on_that_os(
    tmp_path: Path, cells: list[dict[str, Any]]
) -> None:
    case = demo(tmp_path, "confirmed", "seen", cell="real/affected")
    (problem,) = claim_problems(case, cells)
    assert problem.startswith("demo-1 W1.1: verdict confirmed, but no native cell it cites ran")


def test_a_claim_citing_simulated_cells_says_in_simulation(tmp_path: Path) -> None:
    case = demo(tmp_path, "incomplete", "the folder stays")
    assert claim_problems(case, SIMULATED) == [
        (
            "demo-1 W1.1: cites simulated cells (doubles/affected) but its evidence does not say "
            "'in simulation'"
        )
    ]


@pytest.mark.parametrize("word", ["natively", "confirmed"])
def test_a_strong_word_about_an_os_needs_a_native_cell_there(tmp_path: Path, word: str) -> None:
    case = demo(tmp_path, "incomplete", "in simulation")
    texts = {"notes": f"First sentence. Shown {word} on Windows.\n\nOther."}
    assert wording.problems(case, SIMULATED, texts) == [
        f"demo-1 notes: 'Shown {word} on Windows.' says {word!r} with no native cell on Windows"
    ]
    assert wording.problems(case, SIMULATED + NATIVE_WINDOWS, texts) == []


def test_a_strong_word_naming_no_os_needs_a_native_cell_on_a_platform(tmp_path: Path) -> None:
    case = demo(tmp_path, "incomplete", "in simulation")
    texts = {"notes": "It was confirmed."}
    native_linux = [cell("real", "native", "linux")]
    assert wording.problems(case, native_linux, texts) == [
        "demo-1 notes: 'It was confirmed.' says 'confirmed' with no native cell on Windows"
    ]
    assert wording.problems(case, NATIVE_WINDOWS, texts) == []


def test_a_finding_without_native_cells_on_the_platforms_says_in_simulation(
    tmp_path: Path,
) -> None:
    case = demo(tmp_path, "incomplete", "in simulation")
    assert wording.problems(case, SIMULATED, {"finding": "Fixed in 1.1."}) == [
        (
            "demo-1 finding: no native cell ran on Windows, but the finding does not say "
            "'in simulation'"
        )
    ]
    assert wording.problems(case, SIMULATED, {"finding": "In simulation: fixed in 1.1."}) == []
    assert wording.problems(case, NATIVE_WINDOWS, {"finding": "Fixed in 1.1."}) == []


def test_prose_reads_the_upstream_report_beside_the_case(tmp_path: Path) -> None:
    case = demo(tmp_path, "incomplete", "in simulation")
    (tmp_path / "demo-1" / "UPSTREAM.md").write_text("Shown natively.")
    texts = wording.prose(case)
    assert texts["cases/demo-1/UPSTREAM.md"] == "Shown natively."
    assert texts["claims.W1.1.evidence"] == "in simulation"


def test_no_word_of_the_corpus_is_stronger_than_its_committed_cells() -> None:
    """By design on the real corpus: confirmed, natively, and what simulated cells show."""
    cells = committed.cells()
    found = [p for case in metadata.load_all() for p in wording.problems(case, cells)]
    assert found == [], "\n".join(found)
