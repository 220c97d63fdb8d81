"""The app's process group (started, read to EOF, ended) and /dev/shm: helpers shared by the
nicegui-4131 reproducers."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Dict, List, Optional


def semaphores_left(names: List[str]) -> Optional[List[str]]:
    """Which of these named semaphores still exist (Linux: /dev/shm/sem.<name>), else None."""
    if not os.path.isdir("/dev/shm"):
        return None
    return [name for name in names if os.path.exists("/dev/shm/sem." + name.lstrip("/"))]


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


def write_app(prefix: str, source: str) -> str:
    """A private folder under TMPDIR with the app script ``main.py`` in it."""
    app_dir = tempfile.mkdtemp(prefix=prefix)
    with open(os.path.join(app_dir, "main.py"), "w", encoding="utf-8") as out:
        out.write(source)
    return app_dir


class AppGroup:
    """The app in ``app_dir`` started by ``command`` in a new process group, its stderr read
    line by line to EOF on a thread (``lines``); ``ready`` is set at the first line that holds
    ``marker``. ``env`` is added to ours, with NiceGUI's storage in the app's folder."""

    def __init__(self, app_dir: str, command: List[str], marker: str,
                 env: Dict[str, str]) -> None:
        self.app_dir = app_dir
        full_env = dict(os.environ)
        full_env.update(env)
        full_env["NICEGUI_STORAGE_PATH"] = os.path.join(app_dir, ".nicegui")
        full_env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(command, cwd=app_dir, env=full_env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.lines: List[str] = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, args=(marker,), daemon=True)
        self.reader.start()

    def _read(self, marker: str) -> None:
        assert self.proc.stderr is not None
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            if marker in line:
                self.ready.set()
        self.proc.stderr.close()

    def interrupt(self, timeout: float) -> None:
        """SIGINT to the whole group, as CTRL-C would, and wait for the app's first process."""
        os.killpg(self.proc.pid, signal.SIGINT)
        self.proc.wait(timeout)

    def read_to_eof(self, timeout: float) -> bool:
        """Wait for EOF on stderr: every process of the group, the tracker too, is gone."""
        self.reader.join(timeout)
        return not self.reader.is_alive()

    def end(self) -> List[str]:
        """Make sure the group is gone (SIGINT first if the app still runs), remove the app's
        folder and re-emit its stderr on ours for the ``leaked_semaphores`` probe; return the
        signals the group needed beyond SIGINT."""
        if self.proc.poll() is None:  # something failed before or after SIGINT: end it gently
            os.killpg(self.proc.pid, signal.SIGINT)
        sent = stop_group(self.proc.pid)
        self.proc.wait()
        self.reader.join(5.0)
        shutil.rmtree(self.app_dir, ignore_errors=True)
        sys.stderr.write("".join(self.lines))
        sys.stderr.flush()
        return sent
