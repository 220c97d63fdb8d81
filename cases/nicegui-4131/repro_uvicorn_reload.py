"""nicegui-4131, the reported scenario: CTRL-C on `uvicorn main:app --reload`.

Trigger: a one-page FastAPI app with `ui.run_with(app)` is written to a private folder under
TMPDIR and served by `python -m uvicorn main:app --reload` in a new process group. Once the
worker logs "Application startup complete" (and the page answers), SIGINT goes to the whole
group, as CTRL-C would. The reload worker is a spawn process: on affected releases the two
`multiprocessing.Queue`s that `import nicegui` creates are registered with the resource
tracker there, the worker dies by a re-raised signal (uvicorn >= 0.29), and the tracker warns.

Evidence: the uvicorn process group's stderr, read to EOF and re-emitted on our stderr (the
`leaked_semaphores` probe reads it); the tracker's count and lines; the uvicorn, nicegui and
Python versions; whether the app's on_shutdown ran and how many multiprocessing finalizers
were still pending then; how many named semaphores the worker had after importing the app,
and (Linux) which of them are still in /dev/shm at the end: none, once the tracker has
cleaned up.

Controls: the scenario's precondition is that uvicorn's worker dies by the signal uvicorn
re-raises after a graceful shutdown (encode/uvicorn PR #1600, first in 0.29.0); a worker
that returned normally would run multiprocessing's exit handling and read as clean for the
wrong reason. The app module logs each signal uvicorn re-raises, and uvicorn runs under a
launcher that logs the worker's exit code as its reloader sees it (after `join`); the control
holds when the worker died by one of the re-raised signals. The app module also leaves the
tracker canary in the worker (`child.tracker_canary`): the tracker's report of it shows the
worker's tracker ran and reached us. Before 1.2.16 the cell is `absent`.
"""
from __future__ import annotations

import re
import sys
import time
import urllib.error
import urllib.request
from typing import List

from groups import AppGroup, semaphores_left, write_app
from harness import child
from upstream import absent_reason, record_versions

LEAK_RE = re.compile(r"There appear to be (\d+) leaked semaphore objects")
STARTED = "Application startup complete"
RERAISED_RE = re.compile(r"corpus-app: uvicorn re-raises signal (\d+)")
WORKER_EXIT_RE = re.compile(r"corpus-reloader: worker (\d+) exit code (-?\d+)")
STARTUP_TIMEOUT = 150.0  # importing NiceGUI on a loaded 2-core machine can take a minute
EXIT_TIMEOUT = 60.0

# The app module. When the cell has a workaround, the uvicorn worker (a separate process that
# inherits CORPUS_WORKAROUND) loads it through the harness and lets it register its handler.
# The last on_shutdown handler reports how many multiprocessing finalizers with an exit
# priority >= 0 (the ones that release semaphores) were still pending at shutdown.
APP_MODULE = '''\
import multiprocessing.synchronize
import multiprocessing.util
import signal
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

_raise_signal = signal.raise_signal


def raise_signal(signum):
    """uvicorn re-raises the signals it captured once it has shut down: say which."""
    sys.stderr.write("corpus-app: uvicorn re-raises signal %d\\n" % signum)
    sys.stderr.flush()
    _raise_signal(signum)


signal.raise_signal = raise_signal
child.tracker_canary()  # this worker's tracker must report it

cleanup = multiprocessing.synchronize.SemLock._cleanup
names = [finalizer._args[0] for finalizer in list(multiprocessing.util._finalizer_registry.values())
         if getattr(finalizer, "_callback", None) is cleanup]
sys.stderr.write("corpus-app: named semaphores after import: %s\\n" % ",".join(names))
sys.stderr.flush()
'''

# Runs uvicorn as `python -m uvicorn` does, and logs the exit code of each process the reloader
# joins (its worker) as the reloader sees it: negative is the signal that ended it.
RELOADER = '''\
import multiprocessing.process
import sys

_join = multiprocessing.process.BaseProcess.join


def join(self, timeout=None):
    _join(self, timeout)
    if self.exitcode is not None:
        sys.stderr.write("corpus-reloader: worker %d exit code %d\\n" % (self.pid, self.exitcode))
        sys.stderr.flush()


multiprocessing.process.BaseProcess.join = join
from uvicorn.main import main

sys.argv[0] = "uvicorn"
main()
'''


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
    record_versions("uvicorn", "nicegui")
    why = absent_reason()
    if why is not None:
        child.absent(why)
        return 0

    app_dir = write_app("nicegui-4131-app-", APP_MODULE)
    port = child.free_port()
    command = [sys.executable, "-c", RELOADER, "main:app", "--reload", "--reload-dir", app_dir,
               "--host", "127.0.0.1", "--port", str(port)]
    group = AppGroup(app_dir, command, STARTED, {})
    extra_signals: List[str] = []
    try:
        child.control("app-started", group.ready.wait(STARTUP_TIMEOUT))
        if not group.ready.is_set():
            return 1
        child.control("page-served", wait_for_page(port, 60.0))
        group.interrupt(EXIT_TIMEOUT)
        child.trigger("SIGINT to the `uvicorn --reload` process group after startup; "
                      "reloader exited with %s" % group.proc.returncode)
        child.control("stderr-read-to-eof", group.read_to_eof(EXIT_TIMEOUT))
    finally:
        extra_signals = group.end()

    lines = group.lines
    output = "".join(lines)
    counts = [int(m.group(1)) for m in LEAK_RE.finditer(output)]
    child.record("reloader_returncode", group.proc.returncode)
    child.record("group_needed_signals", extra_signals)
    child.record("tracker_leaked_semaphores", sum(counts))
    child.record("tracker_lines", [line.rstrip() for line in lines
                                   if "resource_tracker" in line or "leaked" in line])
    child.record("app_shutdown_lines", [line.rstrip() for line in lines if "corpus-app: on_shutdown" in line])
    names: List[str] = []
    for line in lines:
        if line.startswith("corpus-app: named semaphores after import:"):
            names = [name for name in line.split(":", 2)[2].strip().split(",") if name]
    child.record("worker_semaphores_after_import", len(names))
    reraised = [int(m.group(1)) for m in RERAISED_RE.finditer(output)]
    worker_exits = [int(m.group(2)) for m in WORKER_EXIT_RE.finditer(output)]
    child.record("worker_reraised_signals", reraised)
    child.record("worker_exit_codes", worker_exits)
    died = bool(worker_exits) and -worker_exits[-1] in reraised
    child.control("worker-died-by-reraised-signal", died)
    if died:
        child.reached("worker-died-by-reraised-signal", "the reload worker that imported the app "
                      "died by the signal %d it re-raised, skipping multiprocessing's exit "
                      "handling" % -worker_exits[-1])
    left = semaphores_left(names)
    if left is not None:
        child.record("worker_semaphores_left_in_dev_shm", left)
    return 0


if __name__ == "__main__":
    sys.exit(main())
