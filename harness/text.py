"""Process text made safe to show: in a terminal (no control characters), in Markdown that a
GitHub job summary renders (no markup: HTML and Markdown both escaped). HTML output is escaped by
its template engine (autoescape)."""

from __future__ import annotations

import html
import re

from harness.outcomes import shorten

# Escape sequences first (so that their parameters go too), then every C0/C1 control character
# and the bidirectional overrides that can make a line read differently from what it holds.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Markdown punctuation that can start markup inline (GitHub Flavored Markdown), and "@", which
# would mention a user. "<", ">" and "&" are HTML-escaped before.
_MARKDOWN = re.compile(r"([\\`*_\[\]()|~#!@{}])")


def plain(text: object) -> str:
    """Text with escape sequences and control characters removed (newlines and tabs kept)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(text)))


def line(text: object, width: int = 300) -> str:
    """One line of plain text, at most width characters."""
    return shorten(plain(text), width)


def markdown(text: object, width: int = 300) -> str:
    """One line of process text for Markdown: it renders as the same text and never as markup,
    in a table cell, a list item or a <details> block."""
    escaped = html.escape(line(text, width), quote=False)
    return _MARKDOWN.sub(r"\\\1", escaped)


def counted(number: int, singular: str, plural: str = "") -> str:
    """``1 entry``, ``2 entries``: the number with the noun that agrees with it."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
