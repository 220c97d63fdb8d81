"""The type checker and the linter pass, as pyproject.toml configures them ([tool.mypy],
[tool.ruff]): `nox -s tests` enforces what `nox -s lint` runs."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.lint


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_strict_passes() -> None:
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff_passes(command: list[str]) -> None:
    done = _run("ruff", *command)  # the whole checkout, less [tool.ruff] extend-exclude
    assert done.returncode == 0, done.stdout + done.stderr
