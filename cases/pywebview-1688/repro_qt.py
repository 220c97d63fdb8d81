"""pywebview #1688 on Linux, natively: the negative control with a real Qt (QtWebEngine) window.

Trigger: ``webview.start(gui="qt", storage_path=<the user's folder>)`` in private mode (the
default), proof that the page loaded (``window.evaluate_js("6 * 7") == 42``), then
``window.destroy()``. Qt runs headless (``QT_QPA_PLATFORM=offscreen`` unless the caller chose a
platform; as root QtWebEngine's sandbox is switched off). pywebview's Qt backend uses an unnamed,
off-the-record ``QWebEngineProfile()`` in private mode and never deletes ``storage_path``, so the
user's files must all be kept (``state_lost``, label ``user-files``).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict

from harness import child

import userfiles

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags.split():
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()

import webview  # noqa: E402

LOAD_TIMEOUT = 60.0


def main() -> int:
    seen: Dict[str, Any] = {}
    storage = userfiles.make()
    window = webview.create_window("corpus pywebview-1688", html="<p>corpus</p>")

    def round_trip_then_close() -> None:
        seen["loaded"] = window.events.loaded.wait(LOAD_TIMEOUT)
        try:
            seen["js"] = window.evaluate_js("6 * 7") if seen["loaded"] else None
        except Exception as exc:  # a failed round trip is evidence too
            seen["js_error"] = repr(exc)
        window.destroy()

    workaround = child.workaround()
    start = workaround.start if workaround is not None else webview.start
    start(round_trip_then_close, gui="qt", storage_path=storage)
    child.record("storage_path", storage)
    child.record("js_result", seen.get("js"))
    if "js_error" in seen:
        child.record("js_error", seen["js_error"])
    child.control("javascript-round-trip", seen.get("js") == 42)
    if seen.get("js") != 42 or not window.events.closed.is_set():
        sys.stderr.write("the Qt window did not load and close: %r\n" % seen)
        return 1
    child.trigger(
        "webview.start(gui='qt', storage_path=...): page loaded, evaluate_js('6 * 7') "
        "== 42, window.destroy(), GUI loop ended"
    )
    child.state("user-files", list(userfiles.USER_FILES), userfiles.kept(storage))
    return 0


if __name__ == "__main__":
    code = main()
    # Leave without interpreter teardown, as pywebview-1554's Qt check does: destroying
    # QtWebEngine objects after the QApplication can crash; pywebview registers no atexit hooks.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
