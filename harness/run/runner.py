"""Running one reproducer once: a fresh interpreter, a private temp dir, its own process
group, a timeout that kills the whole group, and stdout and stderr read to EOF.

Every process the run starts inherits a marker in its environment, so the ones that left the
process group (a server started in a new session) are found and killed too. Whatever is still
alive once the reproducer has exited and its output has closed is reported as a stray process:
the run is not trusted, and nothing is left in the process table.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from harness.child import EVIDENCE_ENV, PATCH_ENV, VARIANT_ENV, WORKAROUND_ENV
from harness.run.probes import Observation, blinding

ROOT = Path(__file__).resolve().parents[2]
BOOT = Path(__file__).resolve().parents[1] / "boot"
MARKER_ENV = "CORPUS_RUN_MARKER"
GRACE_SECONDS = 5.0
DRAIN_SECONDS = 10.0  # reading what is left of the output once the group is killed
# Set by the user's shell, these would change what the reproducer sees (PYTHONWARNINGS=ignore
# silences the resource tracker, for one). The cell decides them, not the caller.
SCRUBBED = (
    "PYTHONWARNINGS",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONDEVMODE",
    "PYTHONSAFEPATH",
    "VIRTUAL_ENV",
    "PYTHONUSERBASE",
    "PYTHONNOUSERSITE",
)
# Set by a test runner that runs the harness (the corpus's own tests do): NiceGUI reads
# PYTEST_CURRENT_TEST as "under pytest" and then forces reload and native mode off and wants
# NICEGUI_SCREEN_TEST_PORT, so a cell started from a test would run another scenario.
SCRUBBED_PREFIXES = ("PYTEST_",)


_active: dict[str, subprocess.Popen[bytes]] = {}
_active_lock = threading.Lock()


def terminate_all() -> None:
    """Kill every run still going (the harness was interrupted)."""
    with _active_lock:
        running = list(_active.items())
    for marker, popen in running:
        _kill_all(popen, marker)


@dataclass(frozen=True)
class Launch:
    python: str
    script: Path
    args: tuple[str, ...] = ()
    timeout: float = 120.0
    variant: str = ""
    patch: Path | None = None
    workaround: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    blind: tuple[str, ...] = ()  # probes whose channel this run switches off


@dataclass(frozen=True)
class RunResult:
    observation: Observation
    exit_code: int | None
    timed_out: bool
    stray: tuple[str, ...]
    duration_s: float
    evidence_error: str | None = None  # the evidence file exists but cannot be read


def _environment(launch: Launch, cell_dir: Path, marker: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SCRUBBED and not k.startswith(SCRUBBED_PREFIXES)
    }
    tmp, runtime = cell_dir / "tmp", cell_dir / "run"
    env.update(
        {
            "TMPDIR": str(tmp),
            "TEMP": str(tmp),
            "TMP": str(tmp),
            "XDG_RUNTIME_DIR": str(runtime),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(BOOT)]),
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            EVIDENCE_ENV: str(cell_dir / "evidence.json"),
            VARIANT_ENV: launch.variant,
            MARKER_ENV: marker,
        }
    )
    env.pop(PATCH_ENV, None)
    env.pop(WORKAROUND_ENV, None)
    if launch.patch:
        env[PATCH_ENV] = str(launch.patch)
    if launch.workaround:
        env[WORKAROUND_ENV] = str(launch.workaround)
    env.update(launch.env)
    for key, value in blinding(list(launch.blind)).items():
        env[key] = value.replace("{cell}", str(cell_dir))
    return env


# The lines that choose which processes get a signal are not mutated ("pragma: no mutate"): a
# mutant there signals processes outside the run (every process it can see, or the test runner
# itself) and kills the mutation run. The kill tests in tests/run/test_runner.py cover them.
def _marked(marker: str) -> list[psutil.Process]:
    if not marker:  # an empty marker would match every process that has none
        return []
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(MARKER_ENV) == marker:  # pragma: no mutate
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def _describe(proc: psutil.Process) -> str:
    try:
        return f"{proc.pid} {' '.join(proc.cmdline())[:200]}"
    except psutil.Error:
        return str(proc.pid)


def _signal_all(popen: subprocess.Popen[bytes], procs: list[psutil.Process], sig: int) -> None:
    if sys.platform != "win32":
        try:
            os.killpg(popen.pid, sig)  # pragma: no mutate
        except (ProcessLookupError, PermissionError):
            pass
    leader = [psutil.Process(popen.pid)] if popen.poll() is None else []  # pragma: no mutate
    for proc in procs + leader:
        try:
            proc.send_signal(sig)
        except psutil.Error:
            pass


def _kill_all(popen: subprocess.Popen[bytes], marker: str) -> list[str]:
    """End the run's process group and every marked process; describe what was alive.

    SIGTERM first, SIGKILL after a grace period: the multiprocessing resource tracker ignores
    SIGTERM and unlinks the semaphores it tracks once the processes holding it are gone, which
    it cannot do if it is killed with them (they would stay in /dev/shm).
    """
    alive = [p for p in _marked(marker) if p.pid != popen.pid]
    described = [_describe(p) for p in alive]
    if not alive and popen.poll() is not None:
        return described
    _signal_all(popen, alive, signal.SIGTERM)
    _, alive = psutil.wait_procs(alive, timeout=GRACE_SECONDS)
    _signal_all(popen, alive, signal.SIGKILL)
    psutil.wait_procs(alive, timeout=GRACE_SECONDS)
    return described


def _read_evidence(path: Path) -> tuple[dict[str, Any], str | None]:
    """The reproducer's evidence and, when the file exists but cannot be used, why.
    No file at all means the reproducer recorded nothing: that is no error of the file."""
    if not path.exists():
        return {}, None
    try:
        data = json.loads(path.read_bytes())  # JSON's own encoding (UTF-8, RFC 8259) is detected
    except (OSError, ValueError) as exc:
        return {}, f"{type(exc).__name__}: {exc}"
    if not isinstance(data, dict):
        return {}, f"a JSON {type(data).__name__}, not an object"
    return data, None


def run(launch: Launch, work_root: Path) -> RunResult:
    """Run the reproducer once; the run's private folder is gone when this returns."""
    cell_dir = Path(tempfile.mkdtemp(prefix="cell-", dir=work_root))
    (cell_dir / "tmp").mkdir()
    (cell_dir / "run").mkdir(mode=0o700)
    (cell_dir / "blind").mkdir()  # the temp dir of a run blinded on temp_leftovers
    marker = uuid.uuid4().hex
    options: dict[str, Any] = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
        if sys.platform == "win32"
        else {"start_new_session": True}
    )
    started = time.monotonic()
    try:
        popen = subprocess.Popen(
            [launch.python, str(launch.script), *launch.args],
            cwd=cell_dir,
            env=_environment(launch, cell_dir, marker),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **options,
        )
        with _active_lock:
            _active[marker] = popen
        timed_out = False
        try:
            out, err = popen.communicate(timeout=launch.timeout)
            stray = _kill_all(popen, marker)
        except subprocess.TimeoutExpired:
            # Either the reproducer hung, or it exited and something it started holds its
            # output open: both are killed, and both make the run untrustworthy.
            timed_out = popen.poll() is None
            stray = _kill_all(popen, marker)
            try:
                out, err = popen.communicate(timeout=DRAIN_SECONDS)
            except subprocess.TimeoutExpired as exc:  # an unmarked process holds the pipes
                out, err = exc.output or b"", exc.stderr or b""
                for pipe in (popen.stdout, popen.stderr):
                    if pipe is not None:
                        pipe.close()
                stray.append("an unmarked process kept the output open; what it held is lost")
        duration = time.monotonic() - started
        leftovers = tuple(sorted(os.listdir(cell_dir / "tmp")))
        evidence, evidence_error = _read_evidence(cell_dir / "evidence.json")
        observation = Observation(
            evidence=evidence,
            stdout=out.decode(errors="replace"),
            stderr=err.decode(errors="replace"),
            leftovers=leftovers,
        )
        return RunResult(
            observation,
            None if timed_out else popen.returncode,
            timed_out,
            tuple(stray),
            round(duration, 3),
            evidence_error,
        )
    finally:
        with _active_lock:
            _active.pop(marker, None)
        shutil.rmtree(cell_dir, ignore_errors=True)
