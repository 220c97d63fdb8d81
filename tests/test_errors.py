"""One kind of bad input: every module's input error derives from harness.errors.BadInput, the
one type the command lines turn into exit status 2."""

import pytest

from harness import cli, errors, options, results
from harness.audit import lockfiles
from harness.corpus import figures, metadata
from harness.run import pypi, sources, venvs

INPUT_ERRORS = [
    cli.InputError,
    figures.FigureError,
    lockfiles.LockError,
    metadata.MetadataError,
    options.OptionError,
    pypi.ReleaseError,
    results.ResultFileError,
    sources.SourceError,
]


@pytest.mark.parametrize("error", INPUT_ERRORS, ids=lambda e: e.__name__)
def test_every_input_error_is_bad_input(error: type[Exception]) -> None:
    assert issubclass(error, errors.BadInput)


def test_a_harness_failure_is_not_bad_input() -> None:
    # An environment that cannot be built is the harness's failure (exit 3), not the input's.
    assert not issubclass(venvs.EnvError, errors.BadInput)


@pytest.mark.parametrize("error", INPUT_ERRORS, ids=lambda e: e.__name__)
def test_the_command_line_exits_2_for_each(
    error: type[Exception], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*_: object) -> None:
        raise error("the input says no")

    monkeypatch.setattr(cli, "cmd_cases", fail)
    assert cli.main(["cases"]) == 2
    assert "error: the input says no" in capsys.readouterr().err
