"""Finding CPython interpreters: on PATH (``python3.X``), in pyenv's versions folder, and on
Windows through the ``py`` launcher (where installers register every version); and asking one
what its environment has installed.

pyenv's shims answer on PATH for versions that are not the global one only to say they are
not active, so every candidate is asked for its version before it is used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Interpreter:
    requested: str  # "3.11"
    path: str
    version: str  # "3.11.7"


def _pyenv_root() -> Path:
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def _from_launcher(minor: str) -> str | None:
    launcher = shutil.which("py")
    if launcher is None:
        return None
    try:
        out = subprocess.run(
            [launcher, f"-{minor}", "-c", "import sys; print(sys.executable)"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _candidates(minor: str) -> list[str]:
    exe = f"python{minor}.exe" if sys.platform == "win32" else f"python{minor}"
    found = []
    on_path = shutil.which(exe)
    if on_path:
        found.append(on_path)
    if sys.platform == "win32":
        registered = _from_launcher(minor)
        if registered:
            found.append(registered)
    versions = _pyenv_root() / "versions"
    if versions.is_dir():
        for folder in sorted(versions.glob(f"{minor}.*"), reverse=True):
            if folder.name.count(".") == 2 and folder.name.rsplit(".", 1)[1].isdigit():
                found.append(str(folder / "bin" / exe))
    return found


def _version_of(path: str) -> str | None:
    try:
        out = subprocess.run(
            [path, "-I", "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@cache
def find(minor: str) -> Interpreter | None:
    """The interpreter for ``minor`` ("3.11"), or None when none that runs is installed."""
    for path in _candidates(minor):
        version = _version_of(path)
        if version and ".".join(version.split(".")[:2]) == minor:
            return Interpreter(minor, path, version)
    return None


def full_version(python: str) -> str:
    """The full version a Python line stands for when a requires-python or a marker is read:
    "3.11" is the 3.11 this machine runs cells with (3.11.7, say), so the answer is about the
    interpreter a --verify proves it on; a line not installed here is its first release,
    3.11.0. A full version is itself."""
    if python.count(".") >= 2:
        return python
    found = find(python)
    return found.version if found else f"{python}.0"


_INSTALLED = (
    "import json, sys, importlib.metadata as m;"
    "print(json.dumps({'python': '%d.%d.%d' % sys.version_info[:3],"
    " 'dists': {d.metadata['Name']: d.version for d in m.distributions()}}))"
)


def installed(python: Path, timeout: float | None = None) -> tuple[str, dict[str, str]]:
    """The version of the interpreter ``python`` and every distribution installed in its
    environment, name -> version, sorted by name case-insensitively. It runs isolated (``-I``,
    no ``PYTHON*`` variables), so only the environment's own packages count; raises OSError or
    subprocess.SubprocessError when the interpreter cannot answer."""
    out = subprocess.run(
        [str(python), "-I", "-c", _INSTALLED],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        timeout=timeout,
    ).stdout
    answer = json.loads(out)
    dists = dict(sorted(answer["dists"].items(), key=lambda kv: kv[0].lower()))
    return answer["python"], dists
