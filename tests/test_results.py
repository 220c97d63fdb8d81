"""Result documents: a baseline merged case by case and Python by Python keeps the rest."""

from __future__ import annotations

from harness import results


def _cell(case: str, python: str, outcome: str) -> dict:
    return {
        "case": case,
        "check": "c",
        "variant": "v",
        "release": "1.0",
        "os": "linux",
        "python_requested": python,
        "outcome": outcome,
    }


def test_a_merge_replaces_only_the_cases_and_pythons_that_ran(monkeypatch) -> None:
    monkeypatch.setattr(results, "validate", lambda document: None)  # the shape is not the point
    header = {"started": "t0", "corpus": {}, "command": "old"}
    baseline = {
        "run": header,
        "cells": [
            _cell("a", "3.10", "leak"),
            _cell("a", "3.11", "leak"),
            _cell("b", "3.10", "leak"),
        ],
    }
    run = {
        "run": {"started": "t1", "corpus": {}, "command": "new"},
        "cells": [_cell("a", "3.10", "clean")],
    }
    merged = results.merged_baseline(baseline, run, ["a"], ["3.10"])
    assert sorted((c["case"], c["python_requested"], c["outcome"]) for c in merged["cells"]) == [
        ("a", "3.10", "clean"),
        ("a", "3.11", "leak"),
        ("b", "3.10", "leak"),
    ]
    assert merged["run"]["command"] == "new" and merged["run"]["merged_from"] == [header]
