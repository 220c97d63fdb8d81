"""Result documents: a baseline merged case by case and Python by Python keeps the rest."""

from __future__ import annotations

import json

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


def _released(release: str, outcome: str, source: dict | None = None) -> dict:
    upstream = {"package": "demo", "version": release, **({"source": source} if source else {})}
    return {**_cell("a", "3.11", outcome), "release": release, "upstream": upstream}


def test_a_continued_run_replaces_the_cells_it_reruns_and_keeps_the_rest(tmp_path) -> None:
    header = {"started": "t0", "corpus": {"commit": "abc"}, "command": "history a --from 1.0"}
    tree = _released("(tree)", "clean", {"location": "/src/demo"})
    previous = {
        "run": header,
        "cells": [_released("1.0", "leak"), _released("1.1", "leak"), tree],
    }
    run = {"run": {"started": "t1", "corpus": {}, "command": "history a --from 1.1"}, "cells": []}
    document = results.continued(previous, run)
    assert document["run"]["merged_from"] == [header]
    writer = results.RunWriter(tmp_path / "history.json", document)
    writer.add(_released("1.1", "clean"))
    on_disk = json.loads((tmp_path / "history.json").read_text())["cells"]
    assert [(c["release"], c["outcome"]) for c in on_disk] == [
        ("1.0", "leak"),
        ("1.1", "clean"),
    ]  # 1.1 replaced, not doubled; the working tree's row from the earlier run is dropped


def test_a_run_that_continues_nothing_names_no_earlier_run() -> None:
    run = {"run": {"started": "t1", "corpus": {}, "command": "new"}, "cells": []}
    previous = {"run": {"started": "t0", "corpus": {}, "command": "old"}, "cells": []}
    assert "merged_from" not in results.continued(previous, run)["run"]
