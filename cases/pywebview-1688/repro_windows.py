"""pywebview #1688 on Windows, natively: private mode deletes the user's ``storage_path``.

Trigger: ``webview.start(gui="edgechromium", storage_path=<the user's folder>)`` in private mode
(the default), proof that the page loaded (``window.evaluate_js("6 * 7") == 42``), then
``window.destroy()``; judged by ``state_lost`` (label ``user-files``): the user's two files
expected after exit, next to those still there.

Written for the Windows runner of the cross-OS workflow; the case metadata runs it on win32 only,
and it has never run on the Linux machine that built the corpus.
"""

from __future__ import annotations

import sys
from typing import Any, Dict

from cases._shared import pywebview_window
from harness import child

import userfiles

LOAD_TIMEOUT = 60.0


def main() -> int:
    seen: Dict[str, Any] = {}
    storage = userfiles.make()
    window = userfiles.window()

    def close_when_loaded() -> None:
        seen["loaded"] = window.events.loaded.wait(LOAD_TIMEOUT)
        if seen["loaded"]:
            seen["js"] = window.evaluate_js("6 * 7")
        seen["kept_while_open"] = userfiles.kept(storage)
        window.destroy()

    pywebview_window.start(close_when_loaded, gui="edgechromium", storage_path=storage)
    child.record("storage_path", storage)
    child.record("js_result", seen.get("js"))
    child.control("page-loaded", seen.get("js") == 42)
    if seen.get("js") != 42:
        sys.stderr.write("the EdgeChromium window did not load: %r\n" % seen)
        return 1
    child.trigger(
        "webview.start(gui='edgechromium', storage_path=...): page loaded, "
        "window.destroy(), GUI loop ended"
    )
    userfiles.reached(storage, seen.get("kept_while_open"))
    userfiles.judge(storage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
