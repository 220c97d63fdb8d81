"""Upstream releases from PyPI's JSON API: which exist, which Python each supports, and
which is the newest for a given Python.

Answers are cached for the run (and on disk for an hour, so reruns do not ask again).

``UV_EXCLUDE_NEWER`` (uv's own setting: an RFC 3339 time) makes PyPI look as it did then, here
as in uv: a release uploaded later does not exist, so ``latest`` is the newest release of that
day, and uv resolves every cell's dependencies as of that day too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from harness.errors import BadInput

INDEX = os.environ.get("CORPUS_PYPI_JSON", "https://pypi.org/pypi")
CACHE_SECONDS = 3600
EXCLUDE_NEWER = "UV_EXCLUDE_NEWER"


class ReleaseError(BadInput):
    """An upstream release that does not exist, or a package PyPI does not know."""


@dataclass(frozen=True)
class Release:
    version: Version
    requires_python: SpecifierSet | None
    yanked: bool
    uploaded: dt.datetime | None = None

    def supports(self, python: str) -> bool:
        return self.requires_python is None or self.requires_python.contains(
            python, prereleases=True
        )


_lock = threading.Lock()
_memory: dict[str, dict[str, Release]] = {}


def _fetch(package: str, cache_dir: Path | None) -> dict[str, Any]:
    name = canonicalize_name(package)
    cached = cache_dir / f"{name}.json" if cache_dir else None
    if cached and cached.is_file() and time.time() - cached.stat().st_mtime < CACHE_SECONDS:
        cached_data: dict[str, Any] = json.loads(cached.read_text())
        return cached_data
    try:
        with urllib.request.urlopen(f"{INDEX}/{name}/json", timeout=60) as answer:
            data: dict[str, Any] = json.load(answer)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise ReleaseError(f"PyPI has no package named {package!r}") from exc
        raise
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, cached)
    return data


def cutoff() -> dt.datetime | None:
    """The time set by ``UV_EXCLUDE_NEWER``, or None; a malformed one is a ReleaseError."""
    text = os.environ.get(EXCLUDE_NEWER)
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ReleaseError(f"{EXCLUDE_NEWER}={text!r} is not an RFC 3339 time") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _uploaded(files: list[dict[str, Any]]) -> dt.datetime | None:
    """When the release's first file reached PyPI (None where the index does not say)."""
    times = [f["upload_time_iso_8601"] for f in files if f.get("upload_time_iso_8601")]
    return (
        min(dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times) if times else None
    )


def _parse(data: dict[str, Any]) -> dict[str, Release]:
    releases: dict[str, Release] = {}
    for text, files in data["releases"].items():
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if not files:
            continue
        requires = next((f["requires_python"] for f in files if f.get("requires_python")), None)
        try:
            spec = SpecifierSet(requires) if requires else None
        except InvalidSpecifier:
            spec = None
        releases[str(version)] = Release(
            version, spec, all(f.get("yanked") for f in files), _uploaded(files)
        )
    return releases


def releases(package: str, cache_dir: Path | None = None) -> dict[str, Release]:
    """Every release of package on PyPI, by normalised version string; with
    ``UV_EXCLUDE_NEWER`` set, only those uploaded by then."""
    key = canonicalize_name(package)
    before = cutoff()
    with _lock:
        if key not in _memory:
            _memory[key] = _parse(_fetch(package, cache_dir))
        known = _memory[key]
    if before is None:
        return known
    return {k: r for k, r in known.items() if r.uploaded is None or r.uploaded <= before}


def release(package: str, version: str, cache_dir: Path | None = None) -> Release:
    """The release ``version`` of package, or a ReleaseError that says what exists. Versions
    compare as PEP 440 says: "5.3.0" is the release 5.3, "2.13" is 2.13.0."""
    known = releases(package, cache_dir)
    try:
        wanted = Version(version)
    except InvalidVersion:
        wanted = None
    found = next((r for r in known.values() if r.version == wanted), None)
    if found is None:
        newest = max(
            (r.version for r in known.values() if not r.version.is_prerelease), default=None
        )
        when = cutoff()
        asof = f" as of {EXCLUDE_NEWER}={when.isoformat()}" if when else ""
        raise ReleaseError(
            f"{package} has no release {version!r} on PyPI{asof} (newest release: {newest})"
        )
    return found


def newest_for(package: str, python: str, cache_dir: Path | None = None) -> Release | None:
    """The newest final, non-yanked release of package that supports ``python`` ("3.11.7")."""
    candidates = [
        r
        for r in releases(package, cache_dir).values()
        if not r.version.is_prerelease and not r.yanked and r.supports(python)
    ]
    return max(candidates, key=lambda r: r.version, default=None)
