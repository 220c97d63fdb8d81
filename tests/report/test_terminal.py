"""The terminal summary: verdict first, counts in words, colour only where it belongs, lines
that fit, no control characters from a process, paths last."""

from __future__ import annotations

import io
from pathlib import Path

from harness.report import tables, terminal
from tests.reportdata import PLANTED, cell, document, planted_disagreement


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_verdict_and_totals_come_first_and_one_disagreement_is_in_words() -> None:
    matrix = tables.merge([planted_disagreement()])
    lines = terminal.summary(matrix, width=100, colour=False).splitlines()
    assert lines[0] == "Disagreement: 1 cell disagrees with its expectation."
    assert lines[1].startswith("1 cell: 1 ran (1 error), 0 agree, 1 disagree; 0 skipped")
    assert "1 cell disagrees with its expectation:" in lines


def test_every_line_fits_and_no_control_character_gets_through() -> None:
    matrix = tables.merge([planted_disagreement()])
    for width in (40, 80):
        text = terminal.summary(matrix, width=width, colour=False)
        assert all(len(line) <= width for line in text.splitlines()), width
        assert "\x1b" not in text and "red" in PLANTED and "\x1b[31mred" not in text


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert terminal.use_colour(Tty(), environ={}) is True
    assert terminal.use_colour(io.StringIO(), environ={}) is False
    assert terminal.use_colour(Tty(), environ={"NO_COLOR": "1"}) is False
    assert terminal.use_colour(Tty(), environ={"TERM": "dumb"}) is False
    matrix = tables.merge([document("linux", [cell("linux", "3.11")])])
    coloured = terminal.summary(matrix, width=80, colour=True)
    assert coloured.startswith("\x1b[1m\x1b[32mVerdict: every cell that ran agrees")


def test_the_paths_come_last_and_whole() -> None:
    matrix = tables.merge([document("linux", [cell("linux", "3.11")])])
    path = Path("/a/very/long/folder/name/that/goes/past/the/width/of/the/terminal/matrix.md")
    lines = terminal.summary(matrix, [path], width=40, colour=False).splitlines()
    assert lines[-1] == f"wrote {path}"
    assert lines[0].startswith("Verdict:")
