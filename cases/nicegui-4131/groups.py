"""Process-group and /dev/shm helpers shared by the nicegui-4131 reproducers."""
from __future__ import annotations

import os
import signal
import time
from typing import List, Optional


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
