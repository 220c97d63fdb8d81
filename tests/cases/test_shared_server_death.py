"""A server that dies ends the run at once (cases/_shared/server_death.py): a thread running
the watched server code ends the process with its traceback, a thread dying elsewhere does
not, and a retry loop learns that its server process has exited."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cases._shared import server_death

ROOT = Path(__file__).resolve().parents[2]
SERVER = """
def serve():
    raise AttributeError("module 'ssl' has no attribute 'wrap_socket'")
"""
WAITER = """
import sys, threading, time
sys.path.insert(0, sys.argv[1])
from cases._shared import server_death
import fakeserver

def elsewhere():
    raise ValueError("not the server")

server_death.watch_threads("fakeserver.py")
threading.Thread(target=fakeserver.serve if sys.argv[2] == "server" else elsewhere).start()
time.sleep(float(sys.argv[3]))  # the wait for a page the dead server would never send
print("waited to the end")
"""


def _run(tmp_path: Path, which: str, wait: float) -> tuple[subprocess.CompletedProcess, float]:
    (tmp_path / "fakeserver.py").write_text(SERVER)
    script = tmp_path / "waiter.py"
    script.write_text(WAITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path), which, str(wait)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return done, time.monotonic() - began


def test_the_server_thread_dying_ends_the_run_at_once_with_its_traceback(tmp_path: Path) -> None:
    done, took = _run(tmp_path, "server", 30)
    assert done.returncode == server_death.EXIT_STATUS and took < 15, (took, done.stderr)
    assert "the server thread" in done.stderr and "fakeserver.py" in done.stderr
    assert "Traceback" in done.stderr and "has no attribute 'wrap_socket'" in done.stderr
    assert "waited to the end" not in done.stdout


def test_another_thread_dying_leaves_the_run_to_its_end(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, "elsewhere", 1)
    assert done.returncode == 0 and "waited to the end" in done.stdout
    assert "ValueError: not the server" in done.stderr  # the usual hook still printed it
    assert "the server thread" not in done.stderr


def test_a_server_process_that_exited_is_named_with_its_status() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait(30)
    with pytest.raises(server_death.ServerDied, match=rf"the server \(pid {process.pid}\) .* 3 "):
        server_death.check(process, "the server")


def test_a_server_process_still_running_is_waited_for() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        server_death.check(process, "the server")  # no ServerDied
    finally:
        process.kill()
        process.wait()
