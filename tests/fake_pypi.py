"""Offline stand-in for PyPI's release lists, for the audit's tests that need no network:
a few real releases of each case's package with their real Requires-Python."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from harness.run import pypi

RELEASES = {
    "nicegui": (
        ">=3.8",
        (
            "1.2.15 1.2.16 2.10.0 2.11.0 2.11.1 2.14.1 2.15.0 2.16.0 2.20.0 2.24.2 3.0.0 "
            "3.10.0 3.16.0 3.17.0"
        ),
    ),
    "werkzeug": (">=3.9", "3.0.6 3.1.9"),
    "pywebview": (">=3.7", "4.0.2 4.1 5.2 5.3.2 5.4 6.1"),
}


def releases(package: str, cache_dir: Path | None = None) -> dict[str, pypi.Release]:
    name = canonicalize_name(package)
    if name not in RELEASES:
        raise pypi.ReleaseError(f"PyPI has no package named {package!r}")
    requires, versions = RELEASES[name]
    return {
        v: pypi.Release(Version(v), SpecifierSet(requires), yanked=False) for v in versions.split()
    }


@pytest.fixture
def offline_pypi(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pypi, "releases", releases)
