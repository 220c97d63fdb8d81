"""Releases from PyPI's JSON, and PyPI as it was on the day ``UV_EXCLUDE_NEWER`` names."""

from __future__ import annotations

import pytest

from harness.run import pypi

DATA = {
    "releases": {
        "1.0": [
            {"requires_python": ">=3.8", "upload_time_iso_8601": "2025-01-10T12:00:00.132714Z"}
        ],
        "1.1": [
            {"requires_python": ">=3.9", "upload_time_iso_8601": "2026-11-30T08:00:00Z"},
            {"requires_python": ">=3.9", "upload_time_iso_8601": "2026-11-29T08:00:00Z"},
        ],
        "2.0": [],
        "not-a-version": [{"upload_time_iso_8601": "2024-01-01T00:00:00Z"}],
    }
}


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(pypi._memory, "demo", pypi._parse(DATA))
    monkeypatch.delenv(pypi.EXCLUDE_NEWER, raising=False)


def test_a_release_is_dated_by_its_first_file(demo) -> None:
    known = pypi.releases("demo")
    assert sorted(known) == ["1.0", "1.1"]  # no files, no release; no version, no release
    assert known["1.1"].uploaded.isoformat() == "2026-11-29T08:00:00+00:00"


@pytest.mark.parametrize(
    "when, newest",
    [
        (None, "1.1"),
        ("2026-11-29T08:00:00Z", "1.1"),
        ("2026-11-29T07:59:59Z", "1.0"),
        ("2026-11-01", "1.0"),  # a date alone is midnight UTC
    ],
)
def test_pypi_as_of_uv_exclude_newer(demo, monkeypatch, when, newest) -> None:
    if when:
        monkeypatch.setenv(pypi.EXCLUDE_NEWER, when)
    assert str(pypi.newest_for("demo", "3.11.7").version) == newest


def test_a_release_published_after_the_cutoff_does_not_exist_and_the_error_says_why(
    demo, monkeypatch
) -> None:
    monkeypatch.setenv(pypi.EXCLUDE_NEWER, "2026-01-01T00:00:00Z")
    with pytest.raises(pypi.ReleaseError, match=r"no release '1.1' on PyPI as of UV_EXCLUDE"):
        pypi.release("demo", "1.1")


def test_a_malformed_cutoff_is_named(demo, monkeypatch) -> None:
    monkeypatch.setenv(pypi.EXCLUDE_NEWER, "last tuesday")
    with pytest.raises(pypi.ReleaseError, match="UV_EXCLUDE_NEWER='last tuesday'"):
        pypi.releases("demo")
