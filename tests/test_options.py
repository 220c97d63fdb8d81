"""The command-line values shared by the commands that run cells: --jobs and --python."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from harness import options


def _pyproject(tmp_path: Path, pythons: list[str]) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.corpus]\npythons = {pythons!r}\n".replace("'", '"'))
    return path


@pytest.mark.parametrize("text, value", [("1", 1), ("4", 4)])
def test_jobs_of_one_or_more_are_taken(text: str, value: int) -> None:
    assert options.jobs(text) == value


@pytest.mark.parametrize(
    "text, message", [("0", "give 1 or more"), ("-3", "give 1 or more"), ("1.5", "whole number")]
)
def test_jobs_below_one_or_not_whole_are_refused(text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        options.jobs(text)


def test_no_python_asked_means_every_configured_one(tmp_path: Path) -> None:
    assert options.pythons(None, _pyproject(tmp_path, ["3.8", "3.14"])) == ["3.8", "3.14"]
    assert options.pythons([], _pyproject(tmp_path, ["3.9"])) == ["3.9"]


def test_configured_pythons_are_taken_in_the_order_asked(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path, ["3.8", "3.9", "3.14"])
    assert options.pythons(["3.14", "3.8"], pyproject) == ["3.14", "3.8"]


@pytest.mark.parametrize("asked", [["3.1"], ["3.9", "3.99"], ["3.9.1"]])
def test_a_python_not_configured_is_refused_by_name(tmp_path: Path, asked: list[str]) -> None:
    pyproject = _pyproject(tmp_path, ["3.8", "3.9"])
    with pytest.raises(options.OptionError, match=rf"--python {asked[-1]}: .*\(3\.8, 3\.9;"):
        options.pythons(asked, pyproject)
