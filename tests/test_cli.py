"""Bad input gets a clear error (exit 2) naming what was wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import cli


def main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().err


def test_unknown_case(capsys, tmp_path: Path) -> None:
    code, err = main(capsys, "run", "nope-1", "--python", "3.11", "--results", str(tmp_path))
    assert code == 2 and "unknown case id 'nope-1'" in err


def test_unknown_variant(capsys, tmp_path: Path) -> None:
    code, err = main(
        capsys,
        "run",
        "werkzeug-3039",
        "--python",
        "3.11",
        "--variant",
        "fixed",
        "--results",
        str(tmp_path),
    )
    assert code == 2 and "has no variant 'fixed'" in err


def test_upstream_of_another_package(capsys, tmp_path: Path) -> None:
    code, err = main(
        capsys,
        "run",
        "werkzeug-3039",
        "--python",
        "3.11",
        "--upstream",
        "flask==3.0.0",
        "--results",
        str(tmp_path),
    )
    assert code == 2 and "takes werkzeug==VERSION" in err


@pytest.mark.matrix
def test_unknown_upstream_release(capsys, tmp_path: Path) -> None:
    code, err = main(
        capsys,
        "run",
        "werkzeug-3039",
        "--python",
        "3.11",
        "--upstream",
        "werkzeug==99.0",
        "--results",
        str(tmp_path),
    )
    assert code == 2 and "werkzeug has no release '99.0' on PyPI" in err


def test_report_of_a_bad_file(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("not json")
    code, err = main(capsys, "report", str(bad), "--out", str(tmp_path))
    assert code == 2 and "x.json: not a valid result file" in err
