"""pywebview #1554 on Linux, natively: a real Qt (QtWebEngine) window, the negative control.

Trigger: one window (private mode, the default) opened with ``webview.start(gui="qt")``, proof
that the page really loaded (a JavaScript round trip: ``window.evaluate_js`` must return 42),
then ``window.destroy()``. Qt runs headless (``QT_QPA_PLATFORM=offscreen`` unless the caller
chose a platform, e.g. ``xcb`` under Xvfb) with ``QT_QUICK_BACKEND=software`` (Qt 5 needs it
offscreen); as root, Chromium inside QtWebEngine needs its sandbox off:
``QTWEBENGINE_DISABLE_SANDBOX=1`` and ``--no-sandbox`` in ``QTWEBENGINE_CHROMIUM_FLAGS``. The binding is whatever ``pywebview[qt]`` gives the release:
PyQt5 + PyQtWebEngine up to 5.3.2, PyQt6 + PyQt6-WebEngine from 5.4 (4.x aborts under Qt 6:
it builds ``QApplication([])`` and QtWebEngine 6 refuses an empty argv).

Evidence: the JavaScript result, the entries of the temp dir, and the QtWebEngine helper
processes (children of this process) while the window was open and after ``webview.start()``
returned. Qt keeps them until the application object goes at interpreter exit; they end with
this process (none may outlive the cell's process group). No release creates a user data folder on Linux:
pywebview's Qt backend keeps a private-mode profile in memory (off the record), so a clean
result is expected from every release.
"""
from __future__ import annotations

import glob
import importlib.util
import os
import sys
import tempfile
from typing import Any, Dict, List, Optional

from harness import child

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt 5 (the binding of pywebview[qt] up to 5.3.2) draws QtWebEngine widgets through QtQuick,
# which needs OpenGL unless told to render in software; the offscreen platform has no OpenGL.
os.environ.setdefault("QT_QUICK_BACKEND", "software")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # pywebview 4.x overwrites QTWEBENGINE_CHROMIUM_FLAGS when it builds a window, so say it twice
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags.split():
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()

import webview  # noqa: E402

LOAD_TIMEOUT = 60.0


def children(zombies: bool = False) -> List[str]:
    """Live children of this process as "pid name" (Linux /proc); exited ones if ``zombies``."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, encoding="utf-8", errors="replace") as f:
                data = f.read()
        except OSError:
            continue
        name = data[data.find("(") + 1:data.rfind(")")]
        state, ppid = data[data.rfind(")") + 2:].split()[:2]
        if int(ppid) == os.getpid() and (state == "Z") == zombies:
            found.append("%s %s" % (stat.split("/")[2], name))
    return sorted(found)


def broken_release() -> Optional[str]:
    """Why this release's Qt backend cannot load on any OS (a fault of the release), or None."""
    spec = importlib.util.find_spec("webview.platforms")
    if spec is None:  # 4.2: published without the package (4.2.1 has it)
        return "pywebview %s was published without its webview.platforms package: no GUI backend can load on any OS" % _version()
    qt = os.path.join(list(spec.submodule_search_locations)[0], "qt.py")
    try:
        with open(qt, encoding="utf-8") as f:
            compile(f.read(), qt, "exec")
    except SyntaxError as exc:  # 4.3-4.3.2: a quoted key inside a quoted string (fixed in 4.3.3)
        return ("pywebview %s: webview/platforms/qt.py does not compile (SyntaxError line %s: %s), "
                "so the Qt backend cannot load with any Python or Qt binding" % (_version(), exc.lineno, (exc.text or "").strip()))
    return None


def main() -> int:
    seen: Dict[str, Any] = {}
    broken = broken_release()
    if broken is not None:
        child.record("note", broken)
        sys.stderr.write(broken + "\n")
        return 1
    window = webview.create_window("corpus pywebview-1554", html="<p id='p'>corpus</p>")

    def round_trip_then_close() -> None:
        seen["loaded"] = window.events.loaded.wait(LOAD_TIMEOUT)
        try:
            seen["js"] = window.evaluate_js("6 * 7") if seen["loaded"] else None
        except Exception as exc:  # a failed round trip is evidence too
            seen["js_error"] = repr(exc)
        seen["children_while_open"] = children()
        window.destroy()

    workaround = child.workaround()  # the same app-level workaround as the simulated checks
    start = workaround.start if workaround is not None else webview.start
    start(round_trip_then_close, gui="qt")
    closed = window.events.closed.is_set()
    gui = sys.modules.get("webview.guilib")
    seen["renderer"] = getattr(getattr(gui, "guilib", None), "renderer", None)

    left = children()  # Qt keeps its helpers until the QApplication goes, at interpreter exit

    child.record("pywebview", _version())
    child.record("qt_platform", os.environ.get("QT_QPA_PLATFORM"))
    child.record("renderer", seen.get("renderer"))
    child.record("js_result", seen.get("js"))
    if "js_error" in seen:
        child.record("js_error", seen["js_error"])
    child.record("children_while_open", seen.get("children_while_open"))
    child.record("children_after_start", left)
    child.record("temp_entries", sorted(os.listdir(tempfile.gettempdir())))
    child.record("children_exited_not_reaped", children(zombies=True))

    child.control("javascript-round-trip", seen.get("js") == 42)
    if seen.get("js") != 42 or not closed:
        sys.stderr.write("the Qt window did not load and close: %r\n" % seen)
        return 1
    child.trigger("webview.start(gui='qt'): page loaded, evaluate_js('6 * 7') == 42, window.destroy(), GUI loop ended")
    return 0


def _version() -> str:
    from importlib.metadata import version

    return version("pywebview")


if __name__ == "__main__":
    code = main()
    # Leave without interpreter teardown: with Qt 5 (pywebview 4.x) destroying the QtWebEngine
    # objects after the QApplication sometimes ends in SIGSEGV, which has nothing to do with
    # this case. pywebview registers no atexit hooks, so nothing that could clean up is skipped;
    # QtWebEngine's helper processes end with this process.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
