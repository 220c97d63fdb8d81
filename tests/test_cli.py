"""Bad input gets a clear error (exit 2) naming what was wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import cli


def main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        pytest.param(["nope-1"], "unknown case id 'nope-1'", id="unknown case"),
        pytest.param(
            ["werkzeug-3039", "--variant", "fixed"], "has no variant 'fixed'", id="unknown variant"
        ),
        pytest.param(
            ["werkzeug-3039", "--upstream", "flask==3.0.0"],
            "takes werkzeug==VERSION",
            id="another package",
        ),
        pytest.param(
            ["werkzeug-3039", "--upstream", "werkzeug==99.0"],
            "werkzeug has no release '99.0' on PyPI",
            id="unknown release",
            marks=pytest.mark.matrix,
        ),
    ],
)
def test_bad_run_input_is_named(capsys, tmp_path: Path, extra: list[str], message: str) -> None:
    code, err = main(capsys, "run", *extra, "--python", "3.11", "--results", str(tmp_path))
    assert code == 2 and message in err, err


def test_report_of_a_bad_file(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("not json")
    code, err = main(capsys, "report", str(bad), "--out", str(tmp_path))
    assert code == 2 and "x.json: not a valid result file" in err
