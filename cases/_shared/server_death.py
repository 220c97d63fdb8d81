"""A server that dies ends the run at once, with its traceback, instead of leaving the
reproducer to wait out its timeout for an answer that cannot come.

``watch_threads(code_in)``: from then on, an uncaught exception in a thread whose traceback
passes through a file ending with ``code_in`` (the server's module, e.g. ``webview/http.py``)
is written to stderr with its traceback, recorded as a note, and ends the process with
``EXIT_STATUS``; other threads' exceptions go to the hook that was there before.
``check(process, what)``: raises ``ServerDied`` when a server process has exited, for the
retry loops that wait for it to answer (its own traceback is already on the inherited stderr).

Standard library and ``harness.child`` only (Python 3.8+: ``threading.excepthook``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import traceback
from typing import Any

from harness import child

EXIT_STATUS = 1


class ServerDied(RuntimeError):
    """The server process the reproducer waits for has exited."""


def _passes_through(tb: Any, code_in: str) -> bool:
    suffix = code_in.replace("/", os.sep)
    return any(f.filename.endswith(suffix) for f in traceback.extract_tb(tb))


def watch_threads(code_in: str) -> None:
    """End the run as soon as a thread running ``code_in`` dies of an exception."""
    previous = threading.excepthook

    def hook(args: Any) -> None:
        if args.exc_type is SystemExit or not _passes_through(args.exc_traceback, code_in):
            previous(args)
            return
        name = args.thread.name if args.thread is not None else "?"
        text = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        child.record(
            "note",
            "the server thread %s (%s) died: %s: %s; the run ended at once"
            % (name, code_in, args.exc_type.__name__, args.exc_value),
        )
        sys.stderr.write("the server thread %s (%s) died:\n%s" % (name, code_in, text))
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(EXIT_STATUS)  # the thread waiting for the server would wait out its timeout

    threading.excepthook = hook


def check(process: "subprocess.Popen[Any]", what: str) -> None:
    """Raise ServerDied, naming ``what`` and its exit status, once ``process`` has exited."""
    code = process.poll()
    if code is not None:
        raise ServerDied(
            "%s (pid %d) exited with status %s before it answered; its own output is above"
            % (what, process.pid, code)
        )
