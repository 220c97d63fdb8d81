"""pywebview #1554 on Windows, natively: the EdgeChromium (WebView2) user data folder.

Trigger: one window (private mode, the default, no ``storage_path``) opened with
``webview.start(gui="edgechromium")``, proof that the page loaded (``window.evaluate_js`` must
return 42), then ``window.destroy()``. On 4.1-5.3.2 the folder WebView2 filled stays in the
temp dir after exit; from 5.4 pywebview deletes it when the last window closes.

Written for the Windows runner of the cross-OS workflow; it cannot run on Linux or macOS, and
the case metadata runs it on win32 only (never run on the Linux machine that built the
corpus). Evidence: the JavaScript result, the ``tmp*`` entries of the temp dir after
``webview.start()`` returned, whether the user data folder pywebview chose is gone (judged by
``state_lost``), and the ResourceWarnings seen. 4.0.x chooses no folder: absent.
"""
from __future__ import annotations

import glob
import os
import sys
import tempfile
from typing import Any, Dict

from cases._shared import pywebview_window
from harness import child

import webview

LOAD_TIMEOUT = 60.0


def main() -> int:
    seen: Dict[str, Any] = {}
    window = webview.create_window("corpus pywebview-1554", html="<p>corpus</p>")

    def close_when_loaded() -> None:
        seen["loaded"] = window.events.loaded.wait(LOAD_TIMEOUT)
        if seen["loaded"]:
            seen["js"] = window.evaluate_js("6 * 7")
        seen["folder"] = getattr(sys.modules.get("webview.platforms.winforms"), "cache_dir", None)
        seen["folder_while_open"] = bool(seen["folder"]) and os.path.isdir(seen["folder"])
        window.destroy()

    with child.capture_warnings():
        pywebview_window.start(close_when_loaded, gui="edgechromium")
    child.record("js_result", seen.get("js"))
    child.record("temp_entries", sorted(os.path.basename(p) for p in
                                        glob.glob(os.path.join(tempfile.gettempdir(), "*"))))
    child.control("page-loaded", seen.get("js") == 42)
    folder = seen.get("folder")
    child.record("user_data_folder", folder)
    if seen.get("js") != 42:
        return 0
    if folder is None:
        child.absent("this release hands WebView2 no user data folder in private mode (PR #1082, 4.1)")
        return 0
    if pywebview_window.in_temp_dir(folder):
        child.reached("user-data-folder-in-temp-dir", "pywebview made its user data folder %s "
                      "inside the inspected temp dir (existing while the window was open: %s)"
                      % (folder, seen.get("folder_while_open")))
    child.trigger("webview.start(gui='edgechromium'): page loaded (JS 6*7 == 42), "
                  "window.destroy(), GUI loop ended")
    child.state("user-data-folder", "removed", "left" if os.path.isdir(folder) else "removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
