"""The audit's output formats are a registry: every module of harness/audit/formats/ registers
itself, and ``--format`` offers what is registered. A new format is one new module and no
other edit (no list of choices, no if-chain)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from harness import cli
from harness.audit import formats
from tests.fake_pypi import offline_pypi  # noqa: F401  (the fixture)

APPS = Path(__file__).resolve().parents[1] / "apps"
NEW_FORMAT = """
from harness.audit.formats import register


@register("count")
def render(doc):
    return f"{len(doc['findings'])} findings on {doc['platform']}\\n"
"""


def test_every_shipped_format_is_registered_with_the_default_first() -> None:
    assert formats.names() == ["table", "json", "markdown", "sarif"]


@pytest.fixture
def one_more_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A module dropped beside the package's own (its folder added to the package's path, so
    that the source tree is not touched); the registry as it was afterwards."""
    (tmp_path / "count.py").write_text(NEW_FORMAT)
    monkeypatch.setattr(formats, "__path__", [*formats.__path__, str(tmp_path)])
    monkeypatch.setattr(formats, "_FORMATS", dict(formats._FORMATS))
    yield
    sys.modules.pop(f"{formats.__name__}.count", None)


@pytest.mark.usefixtures("offline_pypi", "one_more_module")
def test_a_new_format_is_one_module_and_no_other_edit(capsys) -> None:
    assert "count" in formats.names()
    lock = APPS / "nicegui-affected" / "uv.lock"
    code = cli.main(["audit", "--lock", str(lock), "--python", "3.11", "--format", "count"])
    out = capsys.readouterr().out
    assert code == 1 and re.fullmatch(r"[1-9]\d* findings on \w+\n", out), out


def test_an_unknown_format_is_named() -> None:
    with pytest.raises(ValueError, match="no audit format 'nope'"):
        formats.render({}, "nope")


def test_two_formats_of_one_name_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "_FORMATS", dict(formats._FORMATS))
    with pytest.raises(ValueError, match="two audit formats are called 'json'"):
        formats.register("json")(lambda doc: "")
