"""Virtual environments, made by nox's own environment code with uv (falling back to
virtualenv), and reused for as long as their interpreter and requirements stay the same.

One module for both kinds of environment the corpus needs: the harness's own (built by
``noxfile.py`` before any session runs the harness) and the cells' (one per interpreter and
requirement set, shared by every cell that needs it). Standard library and nox only: the
noxfile imports it before the harness's dependencies exist.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nox import virtualenv as nox_venv

DEFAULT_BACKEND = "uv|virtualenv"
STAMP = "corpus-env.json"
# nox finds uv lazily, through sysconfig, which is not safe to initialise from several
# threads at once: settle it here, once, before any cell thread asks.
_HAS_UV, _UV, _ = nox_venv.find_uv()
nox_venv.OPTIONAL_VENVS  # noqa: B018


class EnvError(RuntimeError):
    """An environment could not be created or its requirements could not be installed."""


@dataclass(frozen=True)
class Env:
    path: Path
    backend: str
    python: Path


def env_key(interpreter: str, requirements: list[str], backend: str) -> str:
    """A short, stable name for an (interpreter, requirement set, backend) triple."""
    blob = json.dumps([interpreter, sorted(requirements), backend])
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _python_in(path: Path) -> Path:
    return path / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _stamp(interpreter: str, requirements: list[str], backend: str) -> dict[str, object]:
    return {"interpreter": interpreter, "requirements": sorted(requirements), "backend": backend}


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode:
        raise EnvError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}")


def install(env: Env, requirements: list[str], rebuild: tuple[str, ...] = ()) -> None:
    """Install requirements into env: ``uv pip`` for uv environments, pip otherwise.
    ``rebuild`` names packages built from source that must not come from uv's cache (uv keys
    a local tree's build on its pyproject.toml, not on the code that changed)."""
    if not requirements:
        return
    if env.backend == "uv":
        fresh = [arg for name in rebuild for arg in ("--refresh-package", name)]
        _run([_UV, "pip", "install", "--quiet", "--python", str(env.python), *fresh, *requirements])
    else:
        _run(
            [
                str(env.python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *requirements,
            ]
        )


def ensure(
    location: Path,
    interpreter: str,
    requirements: list[str],
    backend: str = DEFAULT_BACKEND,
    rebuild: tuple[str, ...] = (),
) -> Env:
    """Create the environment at location, or reuse it when its stamp matches.

    ``backend`` takes nox's syntax: ``uv|virtualenv`` means uv when it is installed,
    virtualenv (with pip) otherwise. An environment whose stamp differs, or that was left
    half-built, is recreated from scratch, so a stale one is never used.
    """
    wanted = _stamp(interpreter, requirements, backend)
    stamp_file = location / STAMP
    if stamp_file.is_file():
        try:
            stored = json.loads(stamp_file.read_text())
        except (OSError, ValueError):
            stored = {}
        if {key: stored.get(key) for key in wanted} == wanted:
            return Env(location, str(stored.get("backend_used")), _python_in(location))
    venv = nox_venv.get_virtualenv(
        *backend.split("|"),
        download_python="never",
        envdir=str(location),
        reuse_existing=False,
        interpreter=interpreter,
    )
    if not isinstance(venv, nox_venv.VirtualEnv):
        raise EnvError(f"backend {backend!r} does not make a virtual environment")
    try:
        venv.create()
    except Exception as exc:  # nox raises its own InterpreterNotFound and CommandFailed
        raise EnvError(f"cannot create an environment with {interpreter}: {exc}") from exc
    env = Env(location, venv.venv_backend, _python_in(location))
    install(env, requirements, rebuild)
    stamp_file.write_text(json.dumps({**wanted, "backend_used": env.backend}))
    return env


def constraints_file(pins: list[str], folder: Path) -> Path:
    """``name==version`` pins as a constraints file (``-c``) for ``install``, named by content
    so that an environment built with it is reused while the pins stay the same."""
    text = "".join(f"{line}\n" for line in sorted(pins))
    path = folder / f"constraints-{hashlib.sha256(text.encode()).hexdigest()[:12]}.txt"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path


def direct_url(python: Path, package: str) -> dict[str, Any] | None:
    """PEP 610's record of where an installed distribution came from (a folder, or a VCS URL
    with the commit it resolved to), or None for one installed from an index."""
    code = (
        "import sys, importlib.metadata as m;"
        "print(m.distribution(sys.argv[1]).read_text('direct_url.json') or '')"
    )
    out = subprocess.run(
        [str(python), "-I", "-c", code, package], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        return json.loads(out) if out else None
    except ValueError:
        return None
