from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from harness import results
from harness.corpus import metadata
from harness.run import pypi
from harness.studies import history
from tests.corpus.test_metadata import VALID, write_case


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> metadata.Case:
    releases = {
        v: pypi.Release(Version(v), SpecifierSet(">=3.8"), v == "1.0.1")
        for v in ("0.9", "1.0", "1.0.1", "1.1", "1.2", "2.0rc1")
    }
    monkeypatch.setitem(pypi._memory, "demo", releases)
    return metadata.load(write_case(tmp_path, VALID))


def test_releases_in_range_are_final_unyanked_and_ordered(case: metadata.Case) -> None:
    assert history.releases_in_range("demo", None, None) == ["0.9", "1.0", "1.1", "1.2"]
    assert history.releases_in_range("demo", "1.0", "1.1") == ["1.0", "1.1"]


def test_transitions_skip_errors_and_show_a_leak_that_comes_back() -> None:
    rows = [("0.9", "leak"), ("1.0", "error"), ("1.1", "clean"), ("1.2", "skip"), ("1.3", "leak")]
    moves = history.transitions(rows)
    assert [(t.release, t.before, t.after) for t in moves] == [
        ("1.1", "leak", "clean"),
        ("1.3", "clean", "leak"),
    ]


def test_history_agrees_with_the_metadata(case: metadata.Case) -> None:
    rows = [("0.9", "leak"), ("1.0", "leak"), ("1.1", "clean"), ("1.2", "clean")]
    assert history.against_metadata(case, rows) == []


def test_history_says_where_it_disagrees_with_the_metadata(case: metadata.Case) -> None:
    rows = [("0.9", "leak"), ("1.0", "clean"), ("1.1", "leak"), ("1.2", "leak")]
    problems = history.against_metadata(case, rows)
    assert any("1.0 is the last affected release; it is clean" in p for p in problems)
    assert any("1.1 is the first fixed release; it is leak" in p for p in problems)
    assert any("leaks after the first fixed release 1.1: 1.1, 1.2" in p for p in problems)


def test_releases_that_do_not_install_are_listed_with_the_skipped_ones(case: metadata.Case) -> None:
    def row(release: str, outcome: str, reason: str) -> dict:
        return {
            "check": "main",
            "release": release,
            "outcome": outcome,
            "reason": reason,
            "upstream": {"package": "demo", "version": release},
        }

    text = history.render(
        case,
        "3.11",
        [
            row("0.9", "leak", "1 of 1 survived"),
            row("1.0", "error", "does not install: no wheel for this Python"),
            row("1.1", "skip", "demo 1.1 requires Python >=3.12"),
            row("1.2", "error", "exit status 1: ImportError"),
        ],
    )
    assert "- skipped or not installable: 1.0 (does not install" in text
    assert "1.1 (demo 1.1 requires Python >=3.12)" in text
    assert "- no verdict: 1.2 (exit status 1" in text


def test_a_history_made_by_several_runs_names_each_of_them(case: metadata.Case) -> None:
    cell = {
        "check": "main",
        "release": "1.0",
        "outcome": "leak",
        "reason": "1 of 1 survived",
        "upstream": {"package": "demo", "version": "1.0"},
    }
    old = {"started": "t0", "corpus": {"commit": "0123456789abcdef"}, "command": "history --to 1.0"}
    new = {"started": "t1", "corpus": {}, "command": "history --from 1.1"}
    document = {"run": {**new, "merged_from": [old]}, "cells": [cell]}
    text = history.render(case, "3.11", [cell], results.runs(document))
    assert "Cells from 2 runs" in text
    assert "- `history --to 1.0` (started t0, corpus 0123456789)" in text
    assert "- `history --from 1.1` (started t1, corpus unknown)" in text
    assert "runs" not in history.render(case, "3.11", [cell], results.runs({"run": new}))
