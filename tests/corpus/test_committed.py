"""The committed cells: the baseline's and the release histories', nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.corpus import committed


def write(path: Path, cells: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema_version": 1, "cells": cells}))


def test_every_cell_of_the_baseline_and_the_histories_and_no_other_file(tmp_path: Path) -> None:
    write(tmp_path / "baseline" / "linux.json", [{"id": "b1"}, {"id": "b2"}])
    write(tmp_path / "history" / "demo-py3.11-linux.json", [{"id": "h1"}])
    write(tmp_path / "runs" / "x" / "run.json", [{"id": "r1"}])
    write(tmp_path / "somewhere.json", [{"id": "s1"}])
    assert [c["id"] for c in committed.cells(tmp_path)] == ["b1", "b2", "h1"]


def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "broken.json").write_text("{")
    with pytest.raises(ValueError, match="broken.json: not a result file"):
        committed.cells(tmp_path)
