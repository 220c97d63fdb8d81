"""One pywebview window opened, checked and closed: what the pywebview reproducers share
(pywebview-1554, pywebview-1688, and through ``pywebview_tls`` the ``ssl=True`` cases).

Standard library and ``harness.child`` only at import: ``webview`` is imported by the functions
that use it, so a reproducer can first set up Qt's environment (``qt_offscreen()``) or install
the .NET doubles.
"""

from __future__ import annotations

import glob
import os
import sys
import tempfile
from typing import Any, Callable, Dict, List, Optional, Sequence

from harness import child

LOAD_TIMEOUT = 60.0


def version() -> str:
    """The installed pywebview release."""
    from importlib.metadata import version as dist_version

    return dist_version("pywebview")


def start(*args: Any, **kwargs: Any) -> Any:
    """``webview.start()``, through the cell's workaround when it has one: each pywebview
    case's workaround module exports ``start`` with the same signature."""
    import webview

    workaround = child.workaround()
    return (workaround.start if workaround is not None else webview.start)(*args, **kwargs)


def qt_offscreen(flags: Sequence[str] = (), **defaults: str) -> None:
    """Environment for a headless QtWebEngine window (before ``import webview``): Qt's offscreen
    platform and ``defaults`` unless the caller chose otherwise, Chromium's ``flags`` added to
    ``QTWEBENGINE_CHROMIUM_FLAGS`` and, as root, Chromium's sandbox off (it refuses root with
    it), said both ways: pywebview 4.x overwrites ``QTWEBENGINE_CHROMIUM_FLAGS`` when it builds
    a window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    wanted = list(flags)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
        wanted.append("--no-sandbox")
    if wanted:
        present = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(
            present + [flag for flag in wanted if flag not in present]
        )


def children(zombies: bool = False) -> List[str]:
    """Live children of this process as "pid name" (Linux /proc); exited ones if ``zombies``."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, encoding="utf-8", errors="replace") as f:
                data = f.read()
        except OSError:
            continue
        name = data[data.find("(") + 1 : data.rfind(")")]
        state, ppid = data[data.rfind(")") + 2 :].split()[:2]
        if int(ppid) == os.getpid() and (state == "Z") == zombies:
            found.append("%s %s" % (stat.split("/")[2], name))
    return sorted(found)


def round_trip_then_close(
    window: Any, seen: Dict[str, Any], while_open: Optional[Callable[[], None]] = None
) -> Callable[[], None]:
    """The function ``webview.start()`` runs: wait for the window's page, then a JavaScript
    round trip (``6 * 7``) into ``seen`` ("loaded", "js", or "js_error": a failed round trip is
    evidence too), ``while_open()``, and ``window.destroy()``."""

    def run() -> None:
        seen["loaded"] = window.events.loaded.wait(LOAD_TIMEOUT)
        try:
            seen["js"] = window.evaluate_js("6 * 7") if seen["loaded"] else None
        except Exception as exc:  # a failed round trip is evidence too
            seen["js_error"] = repr(exc)
        if while_open is not None:
            while_open()
        window.destroy()

    return run


def record_round_trip(seen: Dict[str, Any]) -> None:
    """The round trip's result (and its error, if it raised) as evidence."""
    child.record("js_result", seen.get("js"))
    if "js_error" in seen:
        child.record("js_error", seen["js_error"])


def loaded_and_closed(seen: Dict[str, Any], closed: bool) -> bool:
    """The control that the page answered the round trip; whether it did and the window closed
    (if not, what was seen goes to stderr)."""
    child.control("javascript-round-trip", seen.get("js") == 42)
    if seen.get("js") != 42 or not closed:
        sys.stderr.write("the Qt window did not load and close: %r\n" % seen)
        return False
    return True


def in_temp_dir(path: str) -> bool:
    """Whether ``path`` is inside this process's temp dir (the one ``temp_leftovers`` lists,
    as the temp-dir canary of the same process proves)."""
    top = os.path.realpath(tempfile.gettempdir())
    return os.path.commonpath([os.path.realpath(path), top]) == top


def leave(code: int) -> None:
    """Exit with ``code`` without interpreter teardown: with Qt 5 (pywebview 4.x) destroying
    the QtWebEngine objects after the QApplication sometimes ends in SIGSEGV, which has nothing
    to do with these cases. pywebview registers no atexit hooks, so nothing that could clean up
    is skipped; QtWebEngine's helper processes end with this process."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
