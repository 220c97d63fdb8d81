"""Our fix for pallets/werkzeug#2634: the reloader lets the app process shut down.

``run_with_reloader`` turns SIGTERM into ``sys.exit(0)`` in the reloader process, which is
waiting in ``subprocess.call`` for the app process; ``call`` answers any exception by killing
the child (SIGKILL) before re-raising, so the app's ``atexit`` handlers, ``finally`` blocks and
finalizers never run. This patch replaces ``ReloaderLoop.restart_with_reloader`` with the same
loop over ``subprocess.Popen``: when waiting is interrupted, the app process gets SIGTERM (it
has Werkzeug's own handler, so it exits normally) and up to ``GRACE`` seconds to finish; only
then is it killed. On Ctrl-C the app process already got SIGINT from the terminal, so it is
only waited for. This is the source change in ``cases/werkzeug-2634/UPSTREAM.md``.

Applied when ``werkzeug._reloader`` is imported (an import hook).
"""
from __future__ import annotations

import os
import signal
import subprocess
from types import ModuleType
from typing import Any

from harness.child import patch_on_import

TARGET = "werkzeug._reloader"
MARK = "_corpus_werkzeug_2634"
GRACE = 10.0


def stop_child(child: "subprocess.Popen[bytes]", forward: bool) -> None:
    """Let the app process shut down (SIGTERM unless it already got the terminal's SIGINT),
    and kill it only if it is still there after GRACE seconds."""
    if forward and child.poll() is None:
        child.send_signal(signal.SIGTERM)
    try:
        child.wait(GRACE)
    except subprocess.TimeoutExpired:
        child.kill()


def _patch(reloader: ModuleType) -> None:
    loop = reloader.ReloaderLoop
    if getattr(loop.restart_with_reloader, MARK, False):
        return

    def restart_with_reloader(self: Any) -> int:
        while True:
            reloader._log("info", f" * Restarting with {self.name}")
            args = reloader._get_args_for_reloading()
            new_environ = os.environ.copy()
            new_environ["WERKZEUG_RUN_MAIN"] = "true"
            with subprocess.Popen(args, env=new_environ, close_fds=False) as child:
                try:
                    exit_code = child.wait()
                except BaseException as exc:
                    stop_child(child, forward=not isinstance(exc, KeyboardInterrupt))
                    raise
            if exit_code != 3:
                return exit_code

    setattr(restart_with_reloader, MARK, True)
    restart_with_reloader.__doc__ = loop.restart_with_reloader.__doc__
    loop.restart_with_reloader = restart_with_reloader


def apply() -> None:
    """Patch ``TARGET`` now, or right after it is first imported."""
    patch_on_import(TARGET, _patch)
