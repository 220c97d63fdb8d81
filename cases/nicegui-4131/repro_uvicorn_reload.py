"""nicegui-4131, the reported scenario: CTRL-C on `uvicorn main:app --reload`.

Trigger: a one-page FastAPI app with `ui.run_with(app)` is written to a private folder under
TMPDIR and served by `python -m uvicorn main:app --reload` in a new process group. Once the
worker logs "Application startup complete" (and the page answers), SIGINT goes to the whole
group, as CTRL-C would. The reload worker is a spawn process: on affected releases the two
`multiprocessing.Queue`s that `import nicegui` creates are registered with the resource
tracker there, the worker dies by a re-raised signal (uvicorn >= 0.29), and the tracker warns.

Evidence: the uvicorn process group's stderr, read to EOF and re-emitted on our stderr (the
`leaked_semaphores` probe reads it); the tracker's count and lines; the uvicorn, nicegui and
Python versions; POSIX semaphore names in /dev/shm before and after (Linux), to show that
nothing is left behind once the tracker has cleaned up; whether the app's on_shutdown ran.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from typing import List, Optional

from harness import child

LEAK_RE = re.compile(r"There appear to be (\d+) leaked semaphore objects")
STARTED = "Application startup complete"
STARTUP_TIMEOUT = 60.0
EXIT_TIMEOUT = 30.0

# The app module. When the cell has a workaround, the uvicorn worker (a separate process that
# inherits CORPUS_WORKAROUND) loads it through the harness and lets it register its handler.
# The last on_shutdown handler reports how many multiprocessing finalizers with an exit
# priority >= 0 (the ones that release semaphores) were still pending at shutdown.
APP_MODULE = '''\
import multiprocessing.util
import sys

from fastapi import FastAPI
from nicegui import app as nicegui_app, ui

from harness import child

app = FastAPI()


@ui.page("/")
def index() -> None:
    ui.label("nicegui-4131")


workaround = child.workaround()
if workaround is not None:
    workaround.install(nicegui_app)


def report_pending_finalizers() -> None:
    pending = [key for key in list(multiprocessing.util._finalizer_registry)
               if key[0] is not None and key[0] >= 0]
    sys.stderr.write("corpus-app: on_shutdown ran, %d finalizers pending\\n" % len(pending))
    sys.stderr.flush()


nicegui_app.on_shutdown(report_pending_finalizers)
ui.run_with(app)
'''


def shm_semaphores() -> Optional[List[str]]:
    """Named multiprocessing semaphores visible in /dev/shm (Linux), else None."""
    if not os.path.isdir("/dev/shm"):
        return None
    return sorted(name for name in os.listdir("/dev/shm") if name.startswith("sem.mp-"))


def wait_gone(pgid: int, seconds: float) -> bool:
    """Wait until no process of the group is left; True if none is."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def stop_group(pgid: int) -> List[str]:
    """Make sure the process group is gone; return the signals it needed beyond SIGINT.

    SIGTERM before SIGKILL: the resource tracker ignores SIGINT and SIGTERM and, once the
    worker is gone, unlinks what it still tracks; a SIGKILL to the whole group would kill it
    too and leave the semaphores in /dev/shm.
    """
    sent: List[str] = []
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if wait_gone(pgid, 10.0):
            return sent
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return sent
        sent.append(sig.name)
    wait_gone(pgid, 5.0)
    return sent


def wait_for_page(port: int, timeout: float) -> bool:
    """GET / until it answers: uvicorn logs startup complete before its socket listens."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10) as response:
                return response.status == 200 and b"nicegui-4131" in response.read()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)


def main() -> int:
    from importlib.metadata import version

    child.record("python", sys.version.split()[0])
    child.record("uvicorn_version", version("uvicorn"))
    child.record("nicegui_version", version("nicegui"))
    child.record("variant", child.variant())

    app_dir = tempfile.mkdtemp(prefix="nicegui-4131-app-")
    with open(os.path.join(app_dir, "main.py"), "w", encoding="utf-8") as out:
        out.write(APP_MODULE)
    port = child.free_port()
    env = dict(os.environ)
    env["NICEGUI_STORAGE_PATH"] = os.path.join(app_dir, ".nicegui")
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-m", "uvicorn", "main:app", "--reload", "--reload-dir", app_dir,
               "--host", "127.0.0.1", "--port", str(port)]
    shm_before = shm_semaphores()

    proc = subprocess.Popen(command, cwd=app_dir, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    pgid = proc.pid
    lines: List[str] = []
    started = threading.Event()

    def read_stderr() -> None:
        assert proc.stderr is not None
        for raw in iter(proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace")
            lines.append(line)
            if STARTED in line:
                started.set()
        proc.stderr.close()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    extra_signals: List[str] = []
    try:
        child.control("app-started", started.wait(STARTUP_TIMEOUT))
        if not started.is_set():
            return 1
        child.control("page-served", wait_for_page(port, STARTUP_TIMEOUT))
        during = shm_semaphores()
        if during is not None and shm_before is not None:
            child.record("shm_semaphores_while_serving", len(set(during) - set(shm_before)))
        os.killpg(pgid, signal.SIGINT)
        proc.wait(EXIT_TIMEOUT)
        child.trigger("SIGINT to the `uvicorn --reload` process group after startup; "
                      "reloader exited with %s" % proc.returncode)
        reader.join(EXIT_TIMEOUT)  # EOF: the worker and the resource tracker are gone too
        child.control("stderr-read-to-eof", not reader.is_alive())
    finally:
        if proc.poll() is None:  # something failed before or after SIGINT: end it gently first
            os.killpg(pgid, signal.SIGINT)
        extra_signals = stop_group(pgid)
        proc.wait()
        reader.join(5.0)
        shutil.rmtree(app_dir, ignore_errors=True)
        sys.stderr.write("".join(lines))  # re-emitted for the leaked_semaphores probe
        sys.stderr.flush()

    output = "".join(lines)
    counts = [int(m.group(1)) for m in LEAK_RE.finditer(output)]
    child.record("reloader_returncode", proc.returncode)
    child.record("group_needed_signals", extra_signals)
    child.record("tracker_leaked_semaphores", sum(counts))
    child.record("tracker_lines", [line.rstrip() for line in lines
                                   if "resource_tracker" in line or "leaked semaphore" in line])
    child.record("app_shutdown_lines", [line.rstrip() for line in lines if "corpus-app:" in line])
    shm_after = shm_semaphores()
    if shm_before is not None and shm_after is not None:
        child.record("shm_semaphores_left", sorted(set(shm_after) - set(shm_before)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
