"""README.md's generated parts: written between their markers, and current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness import metadata, readme


def test_a_section_is_replaced_between_its_markers_only(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text("head\n<!-- x:start -->\nold\n<!-- x:end -->\ntail\n")
    readme.update("x", "new | text\n", page)
    assert page.read_text() == "head\n<!-- x:start -->\nnew | text\n<!-- x:end -->\ntail\n"


def test_a_readme_without_the_markers_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text("no markers\n")
    with pytest.raises(ValueError, match="no <!-- x:start -->"):
        readme.update("x", "text\n", page)


def test_the_readme_shows_every_claim_the_cases_hold() -> None:
    text = readme.README.read_text(encoding="utf-8")
    section = re.search(r"<!-- claims:start -->\n(.*?)<!-- claims:end -->", text, re.S)
    assert section is not None
    assert section.group(1) == readme.claims(metadata.load_all()), "run `nox -s readme`"
