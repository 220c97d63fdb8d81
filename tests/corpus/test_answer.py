"""One answer per case x check x release x Python x OS, on a fixture case and fixture cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.corpus import answer, metadata
from harness.corpus.answer import Cell, Cells, Known
from harness.outcomes import Outcome
from tests.corpus.test_metadata import VALID, write_case

# main leaks up to 1.0.x and is clean from 1.1 (VALID's rules); "sim" is a simulation of win32
# that runs on Linux.
SIMULATED = VALID.replace(
    'platforms = ["linux", "darwin", "win32"]', 'platforms = ["win32"]'
).replace(
    "[variants.affected]",
    '[checks.sim]\nreproducer = "repro.py"\nreaches = ["path"]\nevidence = "simulated"\nassumptions = "README.md"\n'  # noqa: E501
    'platforms = ["linux"]\nprobes = [{ probe = "gc_survivors", label = "owners" }]\n\n'
    "[variants.affected]",
)


@pytest.fixture
def case(tmp_path: Path) -> metadata.Case:
    return metadata.load(write_case(tmp_path, VALID))


def cell(
    release: str,
    outcome: Outcome,
    python: str = "3.11.7",
    os: str = "linux",
    check: str = "main",
) -> Cell:
    return Cell("demo-1", check, "affected", release, python, os, outcome, "", "f.json", "run 1")


def test_a_cell_at_these_coordinates_is_the_answer_even_against_the_rule(case) -> None:
    here = cell("1.1", Outcome.LEAK)
    found = answer.answer(case, "main", "1.1", "3.11.7", "linux", Cells([here]))
    assert (found.outcome, found.known, found.cells) == (Outcome.LEAK, Known.MEASURED, (here,))
    assert found.rule is not None and found.rule.outcome == "clean"
    assert "f.json" in found.why


@pytest.mark.parametrize(
    "other",
    [
        cell("1.1", Outcome.LEAK, python="3.11.0"),  # another patch level
        cell("1.1", Outcome.LEAK, os="darwin"),  # another OS
        cell("1.1", Outcome.LEAK, check="other"),  # another check
        cell("1.0", Outcome.LEAK),  # another release
    ],
)
def test_only_a_cell_at_exactly_these_coordinates_is_measured(case, other: Cell) -> None:
    found = answer.answer(case, "main", "1.1", "3.11.7", "linux", Cells([other]))
    assert found.known != Known.MEASURED and found.outcome == Outcome.CLEAN


def test_a_release_measured_as_written_otherwise(case) -> None:
    found = answer.answer(
        case, "main", "1.1.0", "3.11.7", "linux", Cells([cell("1.1", Outcome.LEAK)])
    )
    assert found.known == Known.MEASURED


def test_inferred_names_the_nearest_measured_releases_on_its_python_line(case) -> None:
    cells = Cells(
        [
            cell("0.8", Outcome.LEAK),
            cell("0.9", Outcome.LEAK),
            cell("0.95", Outcome.ERROR),  # no verdict: not a measured neighbour
            cell("0.97", Outcome.CLEAN, python="3.12.1"),  # another Python line
            cell("1.2", Outcome.CLEAN, python="3.11.4"),  # the same line, another patch
            cell("1.3", Outcome.CLEAN),
        ]
    )
    found = answer.answer(case, "main", "1.0", "3.11.7", "linux", cells)
    assert (found.outcome, found.known) == (Outcome.LEAK, Known.INFERRED)
    assert found.below is not None and found.below.release == "0.9"
    assert found.above is not None and found.above.release == "1.2"
    assert "below 0.9 leak, above 1.2 clean" in found.why and "issue #1" in found.why


def test_not_run_when_no_cell_of_the_check_ran_on_this_os(case) -> None:
    found = answer.answer(
        case, "main", "1.0", "3.11.7", "win32", Cells([cell("1.0", Outcome.LEAK)])
    )
    assert (found.outcome, found.known, found.below) == (Outcome.LEAK, Known.NOT_RUN, None)
    found = answer.answer(case, "main", "0.5", "3.11.7", "win32", Cells())
    assert (found.outcome, found.known) == (None, Known.NOT_RUN)
    assert "no rule of the case covers this release" in found.why


def test_a_simulation_stands_for_the_oses_of_the_case_and_names_its_assumptions(
    tmp_path: Path,
) -> None:
    case = metadata.load(write_case(tmp_path, SIMULATED))
    cells = Cells([cell("1.0", Outcome.LEAK, check="sim"), cell("0.9", Outcome.LEAK, check="sim")])
    found = answer.answer(case, "sim", "1.0", "3.11.7", "win32", cells)
    assert (found.outcome, found.known, found.assumptions) == (
        Outcome.LEAK,
        Known.SIMULATED,
        "README.md",
    )
    assert "in simulation, assumptions in README.md" in found.why
    found = answer.answer(case, "sim", "1.1", "3.11.7", "win32", cells)
    assert (found.outcome, found.known) == (Outcome.CLEAN, Known.SIMULATED)
    assert found.below is not None and found.below.release == "1.0"
    # It says nothing about Linux, where it merely runs.
    found = answer.answer(case, "sim", "1.0", "3.11.7", "linux", cells)
    assert (found.outcome, found.known) == (None, Known.NOT_RUN)


@pytest.mark.parametrize(
    "outcomes, combined",
    [
        ((Outcome.LEAK, Outcome.LEAK), Outcome.LEAK),
        ((Outcome.ERROR, Outcome.CLEAN), Outcome.CLEAN),
        ((Outcome.ERROR,), Outcome.ERROR),
        ((Outcome.LEAK, Outcome.CLEAN), Outcome.FLAKY),
    ],
)
def test_several_cells_at_the_same_coordinates(case, outcomes, combined) -> None:
    cells = Cells([cell("1.0", o) for o in outcomes])
    assert answer.answer(case, "main", "1.0", "3.11.7", "linux", cells).outcome == combined


def test_the_fix_and_the_workaround_come_from_the_case(case) -> None:
    found = answer.answer(case, "main", "1.0", "3.11.7", "linux", Cells())
    assert (found.fix, found.workaround) == ("PR #2", None)


def _result(tmp_path: Path, cells: list[dict], command: str, merged: list[dict]) -> Path:
    run = {"command": command, "started": "t1", "corpus": {"commit": "abcdef1234567"}}
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"run": {**run, "merged_from": merged}, "cells": cells}))
    return path


def _raw(variant: str, **extra: object) -> dict:
    return {
        "case": "demo-1",
        "check": "main",
        "variant": variant,
        "release": "1.0",
        "upstream": {"package": "demo", "version": "1.0"},
        "python": "3.11.7",
        "python_requested": "3.11",
        "os": "linux",
        "outcome": "leak",
        "reason": "r",
        "blind": [],
        **extra,
    }


def test_read_keeps_plain_cells_with_the_run_each_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixes = tmp_path / "fixes"
    (fixes / "demo-1").mkdir(parents=True)
    (fixes / "demo-1" / "patch.py").write_text("")
    monkeypatch.setattr(metadata, "FIXES", fixes)
    text = VALID.replace(
        "[variants.fixed]",
        '[variants.patched]\nreleases = ["1.0"]\npatch = "patch.py"\n\n[variants.fixed]',
    )
    case = metadata.load(write_case(tmp_path / "cases", text))
    raw = [
        _raw("affected", run_started="t0"),
        _raw("history", run_started="t1"),
        _raw("affected", check="other"),  # saved before cells recorded their run
        _raw("patched"),
        _raw("affected", blind=["gc_survivors"]),
        _raw("affected", upstream={"package": "demo", "version": "1.1", "source": {}}),
        _raw("other-case", case="nope-1"),
    ]
    other = {"command": "all --case other-1", "started": "t9", "corpus": {"commit": None}}
    older = {
        "command": "all --python 3.11",
        "started": "t0",
        "corpus": {"commit": "0123456789ab", "dirty": True},
    }
    path = _result(tmp_path, raw, "all --case demo-1 --python 3.12", [older, other])
    found = answer.read([path], {"demo-1": case})
    assert [c.variant for c in found] == ["affected", "history", "affected"]
    assert found[0].run == "`all --python 3.11` t0, corpus 0123456789, uncommitted changes"
    assert found[1].run == "`all --case demo-1 --python 3.12` t1, corpus abcdef1234"
    assert found[2].run == "its run is not recorded"
