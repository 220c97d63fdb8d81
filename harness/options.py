"""Command-line values every command that runs cells reads the same way: how many cells at
once (``--jobs``), and which of the corpus's Pythons (``--python``). A value out of range is
an argparse error or an ``OptionError``: bad input (exit status 2), named, before any cell
runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.corpus.metadata import tomllib
from harness.errors import BadInput

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


class OptionError(BadInput):
    """A command-line value the corpus cannot run with; the message says which and why."""


def jobs(text: str) -> int:
    """``--jobs N``: a whole number of cells at once, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} cells at once: give 1 or more")
    return value


def configured_pythons(pyproject: Path = PYPROJECT) -> list[str]:
    """The Pythons the matrix covers (``[tool.corpus] pythons`` in pyproject.toml)."""
    return list(tomllib.loads(pyproject.read_text())["tool"]["corpus"]["pythons"])


def pythons(asked: list[str] | None, pyproject: Path = PYPROJECT) -> list[str]:
    """The Pythons to run: each one asked for, which must be one the corpus is configured for
    (a typo such as ``3.1`` would otherwise run nothing and pass), or all of them."""
    known = configured_pythons(pyproject)
    for python in asked or ():
        if python not in known:
            raise OptionError(
                f"--python {python}: not one of the corpus's Pythons ({', '.join(known)}; "
                f"[tool.corpus] pythons in pyproject.toml)"
            )
    return list(asked) if asked else known
