"""The ignore file: entries with a reason and an optional expiry; bad entries named by line."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from harness.audit import ignore_file
from harness.audit.lockfiles import LockError

CASES = ["nicegui-4592", "werkzeug-3039"]
TODAY = datetime.date(2026, 6, 1)


def load(tmp_path: Path, text: str) -> list[ignore_file.Ignore]:
    path = tmp_path / "ignore.toml"
    path.write_text(text)
    return ignore_file.load(path, CASES)


def test_active_until_it_expires(tmp_path: Path) -> None:
    ignores = load(
        tmp_path,
        '[[ignore]]\ncase = "werkzeug-3039"\nreason = "r1"\nexpires = 2026-06-01\n\n'
        '[[ignore]]\ncase = "nicegui-4592"\nreason = "r2"\nexpires = "2026-05-31"\n',
    )
    assert ignore_file.active(ignores, "werkzeug-3039", TODAY).reason == "r1"
    assert ignore_file.active(ignores, "nicegui-4592", TODAY) is None
    assert "expired on 2026-05-31" in ignores[1].describe(TODAY)
    assert ignores[1].line == 6


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[ignore]]\ncase = "nope"\nreason = "x"\n', "ignore.toml:1: unknown case id 'nope'"),
        ('\n[[ignore]]\ncase = "werkzeug-3039"\n', "ignore.toml:2: an ignore needs a case id"),
        (
            '[[ignore]]\ncase = "werkzeug-3039"\nreason = "x"\nexpires = "soon"\n',
            "ignore.toml:1: expires 'soon' is not a date",
        ),
        ('[[ignore]]\ncase = "werkzeug-3039"\nreason = " "\n', "reason of an ignore may not be"),
        ("[ignores]\n", "unknown key(s) ignores"),
    ],
)
def test_bad_entries_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(LockError) as caught:
        load(tmp_path, text)
    assert message in str(caught.value)
