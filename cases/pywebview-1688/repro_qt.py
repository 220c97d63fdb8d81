"""pywebview #1688 on Linux, natively: the negative control with a real Qt (QtWebEngine) window.

Trigger: ``webview.start(gui="qt", storage_path=<the user's folder>)`` in private mode (the
default), proof that the page loaded (``window.evaluate_js("6 * 7") == 42``), then
``window.destroy()``. Qt runs headless (``QT_QPA_PLATFORM=offscreen`` unless the caller chose a
platform; as root QtWebEngine's sandbox is switched off). pywebview's Qt backend uses an unnamed,
off-the-record ``QWebEngineProfile()`` in private mode and never deletes ``storage_path``, so the
user's files must all be kept (``state_lost``, label ``user-files``).
"""

from __future__ import annotations

from typing import Any, Dict

from cases._shared import pywebview_window
from harness import child

import userfiles

pywebview_window.qt_offscreen(QT_QUICK_BACKEND="software")  # before webview is imported


def main() -> int:
    seen: Dict[str, Any] = {}
    storage = userfiles.make()
    window = userfiles.window()

    pywebview_window.start(
        pywebview_window.round_trip_then_close(
            window, seen, lambda: seen.update(kept_while_open=userfiles.kept(storage))
        ),
        gui="qt",
        storage_path=storage,
    )
    child.record("storage_path", storage)
    pywebview_window.record_round_trip(seen)
    if not pywebview_window.loaded_and_closed(seen, window.events.closed.is_set()):
        return 1
    child.trigger(
        "webview.start(gui='qt', storage_path=...): page loaded, evaluate_js('6 * 7') "
        "== 42, window.destroy(), GUI loop ended"
    )
    userfiles.reached(storage, seen.get("kept_while_open"))
    userfiles.judge(storage)
    return 0


if __name__ == "__main__":
    pywebview_window.leave(main())
