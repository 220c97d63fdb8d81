"""An app's pinned distributions, read from what it locks them with: a pinned requirements file
(hashes and markers allowed), ``uv.lock``, ``pylock.toml`` (PEP 751), ``poetry.lock``, or the
environment of an interpreter.

Requirements and markers are parsed by ``packaging``, lock files by the TOML reader. Each pin
keeps the line it was read from (TOML readers give no positions, so the line of a package's
``name = ...`` key is found in the text), so reports can point at it. Problems are LockError,
naming the file and the line.
"""

from __future__ import annotations

import dataclasses
import platform as host_platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from harness.audit import references
from harness.corpus.metadata import tomllib
from harness.errors import BadInput
from harness.run import interpreters

FORMATS = ("requirements", "uv.lock", "pylock.toml", "poetry.lock", "environment")
# A requirement line's options (--hash=..., --config-settings ...) start at the first " -".
_OPTION = re.compile(r"\s-{1,2}[A-Za-z]")
_TOML_NAME = re.compile(r"""^\s*name\s*=\s*["']([^"']+)["']""")
_TOML_VERSION = re.compile(r"""^\s*version\s*=\s*["']([^"']+)["']""")


class LockError(BadInput):
    """Bad input: the message names the file (and the line where there is one)."""


@dataclass(frozen=True)
class Pin:
    name: str  # canonical
    version: str | None  # None: a direct reference that declares no version (see unknown)
    path: Path | None  # None: read from an environment
    line: int  # 1-based; 0 when there is no line
    marker: Marker | None = None
    reference: str | None = None  # an editable, VCS or URL requirement, as written
    unknown: str = ""  # why no version could be read from the reference

    @property
    def where(self) -> str:
        if self.path is None:
            return "environment"
        return f"{self.path}:{self.line}" if self.line else str(self.path)


@dataclass(frozen=True)
class Locked:
    path: Path | None
    format: str
    pins: tuple[Pin, ...]
    requires_python: SpecifierSet | None = None
    python: str | None = None  # the Python of an audited environment
    notes: tuple[str, ...] = ()  # lines read but not audited, and why

    def pins_for(self, python: str, platform: str) -> dict[str, Pin]:
        """The pins that apply on this Python and OS, by canonical name."""
        env = marker_environment(python, platform)
        return {
            pin.name: pin for pin in self.pins if pin.marker is None or pin.marker.evaluate(env)
        }

    def replaced(self, name: str, version: str) -> Locked:
        """The same lock with ``name`` pinned to ``version`` (added when it was not pinned)."""
        key = canonicalize_name(name)
        pins = [p for p in self.pins if p.name != key]
        old = [p for p in self.pins if p.name == key]
        line = old[0].line if old else 0
        pins.append(Pin(key, version, self.path, line))
        return dataclasses.replace(self, pins=tuple(pins))


def marker_environment(python: str, platform: str) -> dict[str, str]:
    """PEP 508 marker variables of CPython ``python`` ("3.11", read as
    ``interpreters.full_version``) on ``platform`` (linux, darwin, win32); the machine is this
    host's."""
    system, os_name = {"linux": ("Linux", "posix"), "darwin": ("Darwin", "posix")}.get(
        platform, ("Windows", "nt")
    )
    full = interpreters.full_version(python)
    return {
        "python_version": ".".join(python.split(".")[:2]),
        "python_full_version": full,
        "implementation_name": "cpython",
        "implementation_version": full,
        "platform_python_implementation": "CPython",
        "sys_platform": platform,
        "platform_system": system,
        "os_name": os_name,
        "platform_machine": host_platform.machine(),
        "platform_release": "",
        "platform_version": "",
        "extra": "",
    }


def detect(path: Path) -> str:
    """The format of a lock file, from its name or else its content."""
    name = path.name
    if name == "uv.lock":
        return "uv.lock"
    if name == "poetry.lock":
        return "poetry.lock"
    if re.fullmatch(r"pylock(\.[^.]+)?\.toml", name):
        return "pylock.toml"
    if path.suffix in (".txt", ".in") or name.startswith("requirements"):
        return "requirements"
    data = _toml(path)
    if "lock-version" in data and "packages" in data:
        return "pylock.toml"
    if "content-hash" in data.get("metadata", {}):
        return "poetry.lock"
    if "version" in data and "package" in data:
        return "uv.lock"
    raise LockError(
        f"{path}: unknown lock format (expected a pinned requirements file, uv.lock, "
        f"pylock.toml or poetry.lock)"
    )


def _text(path: Path) -> str:
    """A file's text; a missing, binary or empty file is bad input naming it."""
    if not path.is_file():
        raise LockError(f"{path}: no such file")
    raw = path.read_bytes()
    if b"\0" in raw:
        raise LockError(f"{path}: a binary file, not a lock or requirements file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LockError(f"{path}: not a text file ({exc})") from None
    if not text.strip():
        raise LockError(f"{path}: empty: nothing to audit")
    return text


def read(path: Path, fmt: str | None = None) -> Locked:
    """The pins of a lock file or pinned requirements file."""
    return read_all([path], fmt)


def read_all(paths: list[Path], fmt: str | None = None) -> Locked:
    """The pins of one lock file, or of several requirements files merged (``-r a -r b``);
    a package pinned to two versions without markers is bad input."""
    for path in paths:
        _text(path)
    path = paths[0]
    fmt = fmt or detect(path)
    if fmt == "requirements" or len(paths) > 1:
        notes: list[str] = []
        seen: set[Path] = set()
        pins = [pin for each in paths for pin in _requirements(each, seen, notes)]
        _no_conflicts(pins)
        if len(paths) > 1:
            notes.append(f"pins merged from {', '.join(str(p) for p in paths)}")
        return Locked(path, "requirements", tuple(pins), notes=tuple(notes))
    data = _toml(path)
    reader = {"uv.lock": _uv, "pylock.toml": _pylock, "poetry.lock": _poetry}[fmt]
    pins, requires = reader(path, data)
    return Locked(path, fmt, tuple(pins), requires)


def _no_conflicts(pins: list[Pin]) -> None:
    first: dict[str, Pin] = {}
    for pin in pins:
        if pin.marker is not None or pin.version is None:
            continue
        other = first.setdefault(pin.name, pin)
        if other.version is not None and Version(other.version) != Version(pin.version):
            raise LockError(
                f"{pin.where}: {pin.name} is pinned to {pin.version} here and to "
                f"{other.version} at {other.where}"
            )


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise LockError(f"{path}: not valid TOML: {exc}") from None


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines with backslash continuations joined and comments removed, with the number of
    the line each starts on."""
    joined: list[tuple[int, str]] = []
    start, parts = 0, list[str]()
    for number, raw in enumerate(text.splitlines(), 1):
        if not parts:
            start = number
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        joined.append((start, " ".join(parts).strip()))
        parts = []
    if parts:
        joined.append((start, " ".join(parts).strip()))
    return [(n, line) for n, line in joined if line]


def _how_to_pin(name: str) -> str:
    return (
        f"pin it as {name}==VERSION, or lock the file: "
        f"`uv pip compile requirements.in -o requirements.txt`"
    )


def _requirements(path: Path, seen: set[Path], notes: list[str]) -> list[Pin]:
    if path.resolve() in seen:
        return []
    seen.add(path.resolve())
    pins: list[Pin] = []
    lines = _logical_lines(_text(path))
    if not lines:
        raise LockError(f"{path}: empty: only comments, no requirement")
    for number, line in lines:
        where = f"{path}:{number}"
        option = re.match(r"(-r|--requirement)(\s+|=)(\S+)", line)
        if option:
            included = (path.parent / option.group(3)).resolve()
            if included not in seen:
                if not included.is_file():
                    raise LockError(f"{where}: included file {option.group(3)} does not exist")
                pins += _requirements(included, seen, notes)
            continue
        editable = re.match(r"(-e|--editable)(\s+|=)(\S+)", line)
        if editable:
            pin = _reference(editable.group(3), None, path, number)
            if pin is None:
                notes.append(
                    f"{where}: {line!r} skipped: an editable install that names no package "
                    f"(the app itself?)"
                )
            else:
                pins.append(pin)
            continue
        if line.startswith("-"):
            continue  # --index-url, --hash on its own line, -c: no pin here
        text = _OPTION.split(line, maxsplit=1)[0].strip()
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            if references.is_reference(text):
                pin = _reference(text, None, path, number)
                if pin is not None:
                    pins.append(pin)
                    continue
            raise LockError(f"{where}: {text!r} is not a requirement ({exc})") from None
        pins.append(_pinned(requirement, path, number))
    return pins


def _reference(text: str, name: str | None, path: Path, line: int) -> Pin | None:
    """A pin from an editable, VCS or URL reference, by the version it declares (None in the
    pin, with the reason, when it declares none); None when it names no package."""
    found, version, reason = references.declared(text, name)
    if found is None:
        return None
    return Pin(found, version, path, line, reference=text, unknown=reason)


def _pinned(requirement: Requirement, path: Path, line: int) -> Pin:
    where = f"{path}:{line}"
    if requirement.url:
        found = _reference(requirement.url, requirement.name, path, line)
        assert found is not None  # the requirement names its package
        return dataclasses.replace(found, marker=requirement.marker)
    exact = [s for s in requirement.specifier if s.operator in ("==", "===")]
    if len(exact) != 1 or "*" in exact[0].version:
        raise LockError(
            f"{where}: {requirement.name}{requirement.specifier or ''} is not a pin; "
            f"{_how_to_pin(requirement.name)}"
        )
    return Pin(
        canonicalize_name(requirement.name), exact[0].version, path, line, requirement.marker
    )


def _package_lines(path: Path, header: str) -> dict[tuple[str, str], int]:
    """(canonical name, version) -> the line of ``name = ...`` in each ``[[header]]`` table."""
    found: dict[tuple[str, str], int] = {}
    inside, name, name_line = False, None, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside, name = stripped == f"[[{header}]]", None
            continue
        if not inside:
            continue
        if name is None and (match := _TOML_NAME.match(line)):
            name, name_line = canonicalize_name(match.group(1)), number
        elif name is not None and (match := _TOML_VERSION.match(line)):
            found.setdefault((name, match.group(1)), name_line)
    return found


def _marker(path: Path, line: int, text: str | None) -> Marker | None:
    if not text:
        return None
    try:
        return Marker(text)
    except InvalidMarker as exc:
        raise LockError(f"{path}:{line}: {text!r} is not a marker ({exc})") from None


def _requires_python(path: Path, text: str | None) -> SpecifierSet | None:
    if not text:
        return None
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise LockError(f"{path}: requires-python {text!r} is not a version specifier") from None


def _table_pins(
    path: Path, entries: list[dict[str, Any]], header: str, marker_of: Any
) -> list[Pin]:
    lines = _package_lines(path, header)
    pins = []
    for entry in entries:
        if not isinstance(entry, dict) or "name" not in entry:
            raise LockError(f"{path}: a [[{header}]] table has no name")
        if "version" not in entry:
            continue  # the project itself (virtual): no release to audit
        name = canonicalize_name(entry["name"])
        line = lines.get((name, entry["version"]), 0)
        pins.append(Pin(name, entry["version"], path, line, _marker(path, line, marker_of(entry))))
    return pins


def _uv(path: Path, data: dict[str, Any]) -> tuple[list[Pin], SpecifierSet | None]:
    # A package locked at several versions (a forked resolution) names the environments of
    # each in resolution-markers; one locked once applies wherever something needs it.
    def marker_of(entry: dict[str, Any]) -> str | None:
        markers = entry.get("resolution-markers")
        return " or ".join(f"({m})" for m in markers) if markers else None

    pins = _table_pins(path, data.get("package", []), "package", marker_of)
    return pins, _requires_python(path, data.get("requires-python"))


def _pylock(path: Path, data: dict[str, Any]) -> tuple[list[Pin], SpecifierSet | None]:
    if not str(data.get("lock-version", "")).startswith("1."):
        raise LockError(f"{path}: lock-version {data.get('lock-version')!r} is not 1.x (PEP 751)")
    pins = _table_pins(path, data.get("packages", []), "packages", lambda e: e.get("marker"))
    return pins, _requires_python(path, data.get("requires-python"))


def _poetry(path: Path, data: dict[str, Any]) -> tuple[list[Pin], SpecifierSet | None]:
    # Poetry's python-versions use its own syntax (^3.10), not PEP 440: not read. A package's
    # markers are one string, or (lock-version 2.1) one per dependency group.
    def marker_of(entry: dict[str, Any]) -> str | None:
        markers = entry.get("markers")
        if isinstance(markers, dict):
            return " or ".join(f"({m})" for m in markers.values()) if markers else None
        return markers

    pins = _table_pins(path, data.get("package", []), "package", marker_of)
    return pins, None


def environment(path: Path) -> Locked:
    """The distributions installed in an environment: a virtual environment's folder or an
    interpreter."""
    python = path
    if path.is_dir():
        python = next(
            (p for p in (path / "bin" / "python", path / "Scripts" / "python.exe") if p.exists()),
            path / "bin" / "python",
        )
    if not python.exists():
        raise LockError(f"{path}: no such environment or interpreter")
    try:
        version, dists = interpreters.installed(python, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise LockError(f"{path}: cannot list its distributions ({exc})") from None
    pins = tuple(
        Pin(canonicalize_name(name), dist_version, None, 0)
        for name, dist_version in sorted(dists.items())
        if name
    )
    return Locked(None, "environment", pins, python=version)
