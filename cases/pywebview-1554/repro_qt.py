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

import importlib.util
import os
import sys
import tempfile
from typing import Any, Dict, Optional

from cases._shared import pywebview_window
from harness import child

# Qt 5 (the binding of pywebview[qt] up to 5.3.2) draws QtWebEngine widgets through QtQuick,
# which needs OpenGL unless told to render in software; the offscreen platform has no OpenGL.
pywebview_window.qt_offscreen(QT_QUICK_BACKEND="software")

import webview  # noqa: E402

def broken_release() -> Optional[str]:
    """Why this release's Qt backend cannot load on any OS (a fault of the release), or None."""
    spec = importlib.util.find_spec("webview.platforms")
    if spec is None:  # 4.2: published without the package (4.2.1 has it)
        return ("pywebview %s was published without its webview.platforms package: no GUI "
                "backend can load on any OS" % pywebview_window.version())
    qt = os.path.join(list(spec.submodule_search_locations)[0], "qt.py")
    try:
        with open(qt, encoding="utf-8") as f:
            compile(f.read(), qt, "exec")
    except SyntaxError as exc:  # 4.3-4.3.2: a quoted key inside a quoted string (fixed in 4.3.3)
        return ("pywebview %s: webview/platforms/qt.py does not compile (SyntaxError line %s: %s), "
                "so the Qt backend cannot load with any Python or Qt binding"
                % (pywebview_window.version(), exc.lineno, (exc.text or "").strip()))
    return None


def main() -> int:
    seen: Dict[str, Any] = {}
    broken = broken_release()
    if broken is not None:
        child.record("note", broken)
        sys.stderr.write(broken + "\n")
        return 1
    window = webview.create_window("corpus pywebview-1554", html="<p id='p'>corpus</p>")

    def while_open() -> None:
        seen["children_while_open"] = pywebview_window.children()

    # through the cell's workaround: the same app-level workaround as the simulated checks
    pywebview_window.start(
        pywebview_window.round_trip_then_close(window, seen, while_open), gui="qt"
    )
    closed = window.events.closed.is_set()
    gui = sys.modules.get("webview.guilib")
    seen["renderer"] = getattr(getattr(gui, "guilib", None), "renderer", None)

    # Qt keeps its helpers until the QApplication goes, at interpreter exit
    left = pywebview_window.children()

    child.record("pywebview", pywebview_window.version())
    child.record("qt_platform", os.environ.get("QT_QPA_PLATFORM"))
    child.record("renderer", seen.get("renderer"))
    pywebview_window.record_round_trip(seen)
    child.record("children_while_open", seen.get("children_while_open"))
    child.record("children_after_start", left)
    child.record("temp_entries", sorted(os.listdir(tempfile.gettempdir())))
    child.record("children_exited_not_reaped", pywebview_window.children(zombies=True))

    if not pywebview_window.loaded_and_closed(seen, closed):
        return 1
    if seen.get("renderer") == "qtwebengine":
        child.reached("qt-private-window-loaded", "a window of pywebview's Qt backend "
                      "(qtwebengine, private mode by default) loaded its page and answered "
                      "JavaScript")
    child.trigger("webview.start(gui='qt'): page loaded, evaluate_js('6 * 7') == 42, window.destroy(), GUI loop ended")
    return 0


if __name__ == "__main__":
    pywebview_window.leave(main())
