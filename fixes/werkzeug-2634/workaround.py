"""Operator-level workaround for pallets/werkzeug#2634: stop a reloading server the way Ctrl-C
does, with SIGINT to its whole process group, not SIGTERM to its pid.

Both processes then get SIGINT: the app process unwinds (``run_with_reloader`` catches
``KeyboardInterrupt``) and runs its ``atexit`` handlers. Limit: the reloader process also gets
SIGINT inside ``subprocess.call``; CPython's ``Popen.wait`` then waits only 0.25 s for the
child (bpo-25942) before ``call`` kills it, so a shutdown that takes longer is still cut short.
In a container, run the server so that it is not PID 1 or use ``docker stop --signal SIGINT``
together with an init that forwards it to the group (e.g. ``docker run --init``).
"""
from __future__ import annotations

import os
import signal


def stop(server_pid: int) -> None:
    """Send SIGINT to the process group of the server started as ``server_pid``."""
    os.killpg(os.getpgid(server_pid), signal.SIGINT)
