"""nicegui-4131, the second scenario of #4132: CTRL-C on `ui.run(native=True, reload=True)`.

Trigger: a one-page app whose script calls `ui.run(native=True, reload=True)` is written to a
private folder under TMPDIR and started as a user would, `python main.py`, in a new process
group, with pywebview's Qt backend (PYWEBVIEW_GUI=qt) on Qt's offscreen platform. Once the
native window's page has connected to the app (the proof that the window, the reloader and
its worker all run), SIGINT goes to the whole group, as CTRL-C would.

Linux matters here: its default start method is fork (before Python 3.14), while uvicorn's
reload worker is a spawn process. Two upstream facts decide what can happen:

- Before 3.12.0 the native queues are fork-context objects handed to the spawn worker through
  the server config; CPython >= 3.11.5 refuses that at startup ("A SemLock created in a fork
  context is being shared with a process in a spawn context", #1841; fixed by PR #6045 in
  3.12.0). Then the app never runs, there is nothing to stop, and the cell is `absent`.
- The worker imports the app script while it is prepared, under its parent's start method
  (fork), so the semaphores NiceGUI makes there are unnamed and never registered with the
  resource tracker. The evidence says how many named (tracked) semaphores each process had.

  On older CPython the worker gets the fork-context queues anyway, as handles that mean
  nothing in its address space: NiceGUI's shutdown puts `signal_server_shutdown` on one and the
  worker dies by SIGSEGV before `run.tear_down()`. On 2.15.0 nothing it had was tracked; from
  2.16.0 (PR #4653) the process pool is made at startup, under spawn, so its 5 semaphores are
  tracked and reported.

Evidence: the group's stderr read to EOF and re-emitted for the `leaked_semaphores` probe;
per process of the app (main, worker, window) the named semaphores it had, the exit codes the
main process saw when it joined its children, the signals the worker logged re-raising, where
a crashing process crashed (faulthandler); the versions. Every process that runs the app
script leaves the tracker canary.
"""
from __future__ import annotations

import os
import re
import sys
import time
from typing import Dict, List

from groups import AppGroup, write_app
from harness import child
from upstream import absent_reason, record_versions

CONNECTED = "corpus-app: client connected"
FORK_SPAWN = "A SemLock created in a fork context is being shared with a process in a spawn context"
NOT_STARTABLE = (
    "ui.run(native=True, reload=True) cannot start on Linux with CPython %s: NiceGUI %s hands "
    "fork-context queues to uvicorn's spawn worker, which CPython >= 3.11.5 refuses "
    "(RuntimeError, #1841; fixed by PR #6045 in NiceGUI 3.12.0), so there is no running app to stop"
)
CONNECT_TIMEOUT = 240.0  # a cold QtWebEngine on a loaded 2-core machine takes its time
EXIT_TIMEOUT = 60.0
SEMAPHORES_RE = re.compile(r"corpus-app: (\d+) named semaphores (.+?) \(pid (\d+), (\S+)\)")
JOINED_RE = re.compile(r"corpus-app: joined (\S+) (\d+), exit code (-?\d+)")
RERAISED_RE = re.compile(r"corpus-app: uvicorn re-raises signal (\d+) \(pid (\d+)")

# The app script. Each process that runs it says how many named (tracker-registered)
# semaphores it holds; the main process logs the exit code of each child it joins, the others
# log each signal uvicorn re-raises; every process leaves the tracker canary.
APP = '''\
import multiprocessing
import multiprocessing.process
import multiprocessing.synchronize
import multiprocessing.util
import os
import signal
import sys

from nicegui import app, ui

from harness import child


def say(text):
    sys.stderr.write("corpus-app: %s (pid %d, %s)\\n"
                     % (text, os.getpid(), multiprocessing.current_process().name))
    sys.stderr.flush()


def named_semaphores():
    cleanup = multiprocessing.synchronize.SemLock._cleanup
    return len([f for f in list(multiprocessing.util._finalizer_registry.values())
                if getattr(f, "_callback", None) is cleanup])


@ui.page("/")
def index():
    ui.label("nicegui-4131 native reload")


app.on_connect(lambda: say("client connected"))

if multiprocessing.current_process().name == "MainProcess":
    _join = multiprocessing.process.BaseProcess.join

    def join(self, timeout=None):
        _join(self, timeout)
        if self.exitcode is not None:
            say("joined %s %d, exit code %d" % (self.name, self.pid, self.exitcode))

    multiprocessing.process.BaseProcess.join = join
else:
    _raise_signal = signal.raise_signal

    def raise_signal(signum):
        say("uvicorn re-raises signal %d" % signum)
        _raise_signal(signum)

    signal.raise_signal = raise_signal

say("%d named semaphores after import" % named_semaphores())
ui.run(native=True, reload=True, port=int(os.environ["CORPUS_APP_PORT"]), title="nicegui-4131")
say("%d named semaphores after ui.run" % named_semaphores())
child.tracker_canary()
'''

QT_ENV = {
    "PYWEBVIEW_GUI": "qt",
    "QT_QPA_PLATFORM": "offscreen",
    # Qt draws QtWebEngine through QtQuick, which needs OpenGL offscreen unless told otherwise
    "QT_QUICK_BACKEND": "software",
}


def qt_env() -> Dict[str, str]:
    env = dict(QT_ENV)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Chromium refuses root with its sandbox
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--no-sandbox"
    return env


def main() -> int:
    from importlib.metadata import version

    record_versions("nicegui", "pywebview", "uvicorn")
    why = absent_reason()
    if why is not None:
        child.absent(why)
        return 0

    env = qt_env()
    env["CORPUS_APP_PORT"] = str(child.free_port())
    env["PYTHONFAULTHANDLER"] = "1"  # a crashing process says where
    child.record("qt_env", qt_env())
    group = AppGroup(write_app("nicegui-4131-native-", APP), [sys.executable, "main.py"],
                     CONNECTED, env)
    lines = group.lines
    extra_signals: List[str] = []
    try:
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while (not group.ready.wait(0.5) and group.proc.poll() is None
               and time.monotonic() < deadline):
            pass
        if not group.ready.is_set():
            if group.proc.poll() is not None:  # it gave up: read what it said to the end
                group.read_to_eof(EXIT_TIMEOUT)
            if any(FORK_SPAWN in line for line in lines):
                child.record("startup_error",
                             [line.rstrip() for line in lines if FORK_SPAWN in line])
                child.absent(NOT_STARTABLE % (sys.version.split()[0], version("nicegui")))
                return 0
            child.control("window-connected", False)
            return 1
        child.control("window-connected", True)
        group.interrupt(EXIT_TIMEOUT)
        child.trigger("SIGINT to the process group of `python main.py` (ui.run(native=True, "
                      "reload=True), Qt window connected); main exited with %s"
                      % group.proc.returncode)
        child.control("stderr-read-to-eof", group.read_to_eof(EXIT_TIMEOUT))
    finally:
        extra_signals = group.end()

    output = "".join(lines)
    child.record("main_returncode", group.proc.returncode)
    child.record("group_needed_signals", extra_signals)
    child.record("named_semaphores", [
        {"count": int(m.group(1)), "when": m.group(2), "process": m.group(4)}
        for m in SEMAPHORES_RE.finditer(output)])
    child.record("children_joined_by_main", [
        {"process": m.group(1), "exit_code": int(m.group(3))} for m in JOINED_RE.finditer(output)])
    reraised = [int(m.group(1)) for m in RERAISED_RE.finditer(output)]
    crashed = crashes(lines)
    child.record("reraised_signals", reraised)
    child.record("tracker_lines", [line.rstrip() for line in lines if "leaked" in line])
    child.record("crashes", crashed)
    if reraised or crashed:
        child.reached("worker-ended-abnormally", "the reload worker left without "
                      "multiprocessing's exit handling: %s" % (
                          "crashed (%s)" % crashed[0][0] if crashed
                          else "re-raised signal %s" % reraised))
    return 0


def crashes(lines: List[str], frames: int = 4) -> List[List[str]]:
    """Per fatal error faulthandler reported: the error and the crashing thread's top frames."""
    found: List[List[str]] = []
    for i, line in enumerate(lines):
        if line.startswith("Fatal Python error"):
            found.append([line.rstrip()])
        elif found and line.startswith("Current thread"):
            found[-1].extend(text.strip() for text in lines[i + 1:i + 1 + frames])
    return found


if __name__ == "__main__":
    sys.exit(main())
