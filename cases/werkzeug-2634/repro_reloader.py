"""werkzeug-2634: with the reloader, SIGTERM to the server ends the app process with SIGKILL,
so the app's shutdown (its ``atexit`` save, the temp file it removes at exit) never runs.

Trigger: ``reloader_app.py`` (``run_simple(..., use_reloader=True)`` on 127.0.0.1) is started
in a session of its own; the app process serves three ``GET /hit``; then the signal goes to:

- ``server`` (first argument): the pid the reproducer started, the reloader process, as
  ``kill``, ``docker stop`` or a process manager watching that pid would send it. The reloader's
  handler raises ``SystemExit`` inside ``subprocess.call``, which kills the app process with
  SIGKILL before re-raising. In a ``workaround`` cell the workaround's ``stop(pid)`` is used
  instead.
- ``app`` (the control): the app process itself. Werkzeug's own SIGTERM handler in it exits
  normally, ``atexit`` runs, the count is saved and the scratch file removed: the shutdown
  would have worked, and the channels (the saved file, the temp dir) are live.

Evidence: the requests served, the pids, each process's end (``reloader_exit``, whether the app
process is gone), what the app saved (``state`` label ``shutdown-save``, probe ``state_lost``:
expected the count the app last answered) and the scratch file left (probe ``temp_leftovers``).
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from typing import Any, Optional

import psutil

from cases._shared import server_death
from harness import child

HERE = os.path.dirname(os.path.abspath(__file__))
REQUESTS = 3


def hit(server: "subprocess.Popen[bytes]", port: int, deadline: float) -> int:
    """GET /hit, retried until the app answers (ServerDied if the reloader exits first)."""
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", "/hit")
            return int(conn.getresponse().read())
        except (OSError, ValueError):
            server_death.check(server, "the reloader")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            conn.close()


def app_pid(deadline: float) -> Optional[int]:
    while time.monotonic() < deadline:
        try:
            with open("app.pid") as handle:
                return int(handle.read())
        except (OSError, ValueError):
            time.sleep(0.1)
    return None


def gone(pid: Optional[int], deadline: float) -> bool:
    while pid is not None and psutil.pid_exists(pid):
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def saved() -> Any:
    try:
        with open("saved.json") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def main() -> None:
    target = sys.argv[1]
    child.record("versions", {"werkzeug": version("werkzeug")})
    child.record("signal_to", target)
    workaround = child.workaround()
    port = child.free_port()
    server = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "reloader_app.py"), str(port)],
        start_new_session=True,
    )
    try:
        counts = [hit(server, port, time.monotonic() + 60) for _ in range(REQUESTS)]
        pid = app_pid(time.monotonic() + 10)
        child.record("served", counts)
        child.record("pids", {"reloader": server.pid, "app": pid})
        # A request retried while the app process was starting may have been counted too.
        started = (
            pid is not None
            and pid != server.pid
            and counts == list(range(counts[0], counts[0] + REQUESTS))
        )
        scratch = [n for n in os.listdir(tempfile.gettempdir()) if n.startswith("corpus-app-scratch-")]
        child.record("scratch_while_serving", scratch)
        if started and scratch:
            child.reached("app-process-served-with-scratch-file", "the reloader's app process "
                          "(pid %d, not the reloader's %d) served the requests, its scratch file "
                          "%s in the inspected temp dir" % (pid, server.pid, scratch[0]))
        if started:
            if target == "app":
                how = "SIGTERM to the app process"
                os.kill(pid, signal.SIGTERM)
            elif workaround is not None:
                how = "the workaround's stop() of the server"
                workaround.stop(server.pid)
            else:
                how = "SIGTERM to the server's pid (the reloader)"
                os.kill(server.pid, signal.SIGTERM)
            child.trigger("%d requests served by the app process, then %s" % (counts[-1], how))
        code = server.wait(20) if started else None
        app_gone = gone(pid, time.monotonic() + 10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    child.record("reloader_exit", code)
    child.record("app_gone", app_gone)
    child.record("saved", saved())
    child.control("app-process-served-the-requests", started)
    child.control("both-processes-ended", app_gone and code is not None)
    child.state("shutdown-save", {"hits": counts[-1]}, saved())


if __name__ == "__main__":
    main()
