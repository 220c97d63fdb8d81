"""Unreleased upstream code: a cell's package from a local source tree (``--upstream-path``)
or a VCS reference (``--upstream "pkg @ git+https://...@REF"``) instead of a PyPI release.

A source records exactly what a cell ran: where from, the commit, whether the tree had
uncommitted changes, and the version the tree declares. The expectation rules apply to that
version (a development version such as ``3.19.0.dev0`` sorts after the last release).
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from packaging.metadata import parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from harness import records
from harness.corpus.metadata import Case, tomllib
from harness.errors import BadInput

RELEASE_LABEL = "tree"  # the release of a cell that runs a source, in its key


class SourceError(BadInput):
    """A source that cannot be used; the message says why."""


@dataclass(frozen=True)
class Source:
    package: str
    requirement: str  # what the cell's environment installs
    kind: str  # "path" or "vcs"
    location: str  # the folder, or the VCS URL with its reference
    version: str | None  # what the tree declares; None until installed when it is dynamic
    commit: str | None
    dirty: bool | None
    fingerprint: str  # changes whenever what would be installed changes

    def record(self, installed: str | None = None) -> records.Source:
        return {
            "kind": self.kind,
            "location": self.location,
            "commit": self.commit,
            "dirty": self.dirty,
            "declared_version": self.version or installed,
        }


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _declared(folder: Path) -> tuple[str | None, str | None]:
    """(name, version) the tree declares: PKG-INFO of an unpacked sdist, else pyproject.toml
    ([project], or Poetry's [tool.poetry]); a dynamic version is None."""
    pkg_info = folder / "PKG-INFO"
    if pkg_info.is_file():
        raw, _ = parse_email(pkg_info.read_text(encoding="utf-8", errors="replace"))
        return raw.get("name"), raw.get("version")
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(f"{pyproject}: not valid TOML: {exc}") from None
        for table in (data.get("project", {}), data.get("tool", {}).get("poetry", {})):
            if table.get("name"):
                return table["name"], table.get("version")
    return None, None


def _fingerprint(folder: Path, commit: str | None) -> str:
    """What identifies the tree's content: its commit and uncommitted changes under git, or
    the size and modification time of every file elsewhere."""
    digest = hashlib.sha256()
    if commit is not None:
        digest.update(commit.encode())
        digest.update((_git(folder, "diff", "HEAD") or "").encode())
        digest.update((_git(folder, "status", "--porcelain") or "").encode())
    else:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:16]


def from_path(text: str) -> Source:
    """The source tree in folder ``text``; its package is the name the tree declares."""
    folder = Path(text).expanduser().resolve()
    if not folder.is_dir():
        raise SourceError(f"--upstream-path {text}: no such folder")
    name, version = _declared(folder)
    if name is None:
        raise SourceError(
            f"--upstream-path {text}: not a Python source tree (no PKG-INFO, and no "
            f"pyproject.toml naming a project)"
        )
    if version is not None:
        try:
            Version(version)
        except InvalidVersion:
            raise SourceError(f"--upstream-path {text}: declares version {version!r}") from None
    top = _git(folder, "rev-parse", "--show-toplevel")
    commit = _git(folder, "rev-parse", "HEAD") if top else None
    commit = commit.strip() if commit else None
    dirty = bool((_git(folder, "status", "--porcelain") or "").strip()) if commit else None
    return Source(
        package=name,
        requirement=f"{name} @ {folder.as_uri()}",
        kind="path",
        location=str(folder),
        version=version,
        commit=commit,
        dirty=dirty,
        fingerprint=_fingerprint(folder, commit),
    )


def from_requirement(text: str) -> Source | None:
    """A direct reference (``pkg @ git+https://...@REF``), or None when ``text`` is not one.
    The commit is the reference as given until the install resolves it (PEP 610)."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if not requirement.url:
        return None
    path = urlsplit(requirement.url).path
    reference = path.rsplit("@", 1)[1] if "@" in path else None
    return Source(
        package=requirement.name,
        requirement=f"{requirement.name} @ {requirement.url}",
        kind="vcs",
        location=requirement.url,
        version=None,
        commit=reference,
        dirty=None,
        fingerprint=hashlib.sha256(requirement.url.encode()).hexdigest()[:16],
    )


def for_package(source: Source, package: str, option: str) -> None:
    """Raise SourceError unless the source is code of ``package``."""
    if canonicalize_name(source.package) != canonicalize_name(package):
        raise SourceError(f"{option} {source.location}: code of {source.package}, not {package}")


def cases_for(source: Source, cases: list[Case], named: bool) -> list[Case]:
    """The cases a source can run: those of its package (every ``named`` case must be one)."""
    for case in cases if named else ():
        try:
            for_package(source, case.package, "the source")
        except SourceError as exc:
            raise SourceError(f"{case.id}: {exc}") from None
    mine = [c for c in cases if c.package.lower() == source.package.lower()]
    if not mine:
        raise SourceError(f"no case of the corpus is about {source.package}")
    return mine
