"""Process text made safe for a terminal and for Markdown."""

from __future__ import annotations

import pytest

from harness import text


def test_plain_drops_escape_sequences_and_control_characters() -> None:
    raw = "a\x1b[31mred\x1b[0m\x1b]0;title\x07b\x07c\rd\u202ee\x00f\ng\th"
    assert text.plain(raw) == "aredbcde f\ng\th".replace(" ", "")


def test_a_line_is_folded_and_shortened() -> None:
    assert text.line("a\n  b\x1b[1m c", 80) == "a b c"
    assert text.line("x" * 50, 10) == "x" * 9 + "…"


def test_markdown_keeps_markup_as_text() -> None:
    shown = text.markdown("<img src=x onerror=y> </details> a|b `c` *d* [e](f) @g & h")
    assert shown == (
        "&lt;img src=x onerror=y&gt; &lt;/details&gt; a\\|b \\`c\\` \\*d\\* \\[e\\]\\(f\\) "
        "\\@g &amp; h"
    )


@pytest.mark.parametrize(
    "number, words, expected",
    [
        (1, ("entry", "entries"), "1 entry"),
        (2, ("entry", "entries"), "2 entries"),
        (0, ("step",), "0 steps"),
        (1, ("step",), "1 step"),
    ],
)
def test_counted_agrees_the_noun_with_the_number(number, words, expected) -> None:
    assert text.counted(number, *words) == expected
