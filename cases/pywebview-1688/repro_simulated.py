"""pywebview #1688, simulated on Linux: private mode deletes the user's ``storage_path``.

Trigger: ``webview.start(storage_path=<the user's folder>)`` in private mode (the default), one
window opened and closed with ``window.destroy()`` once loaded, running pywebview's own,
unmodified Windows backend (``winforms.py`` + ``edgechromium.py``) over the .NET / WebView2
doubles shared with pywebview-1554 (``cases/_shared/dotnet_doubles.py``; simulated evidence).
The user's folder holds two files of the user's before the window opens.

Judged by ``state_lost`` (label ``user-files``): the user's files expected after exit next to
those still there. From 5.4 (commit 1ef7feb6) ``EdgeChrome.clear_user_data()`` runs
``shutil.rmtree`` on the WebView2 user data folder in private mode, and with a ``storage_path``
that folder is the user's. ``--browser-exit-after S`` is the pessimistic twin of the doubles'
assumption that the browser process exits at once on ``Dispose()``: rmtree then stops, as on
Windows, at the first file the browser still holds, after deleting whatever came before it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Dict

from harness import child

from cases._shared import dotnet_doubles, pywebview_window

import userfiles

_parser = argparse.ArgumentParser()
_parser.add_argument("--browser-exit-after", type=float, default=0.0)
ARGS = _parser.parse_args()
# before webview is imported (by userfiles.window()), as the Windows modules load inside start()
dotnet_doubles.install(ARGS.browser_exit_after)

LOAD_TIMEOUT = 20.0


def main() -> int:
    seen: Dict[str, Any] = {}
    storage = userfiles.make()
    window = userfiles.window()

    def close_when_loaded() -> None:
        seen["loaded"] = window.events.loaded.wait(LOAD_TIMEOUT)
        winforms = sys.modules.get("webview.platforms.winforms")
        seen["renderer"] = getattr(winforms, "renderer", None)
        seen["user_data_folder"] = getattr(winforms, "cache_dir", None)
        seen["kept_while_open"] = userfiles.kept(storage)
        window.destroy()

    pywebview_window.start(close_when_loaded, storage_path=storage)

    events = dotnet_doubles.EVENTS
    kinds = [event["event"] for event in events]
    folder = seen.get("user_data_folder")
    kept = userfiles.kept(storage)
    child.record("pywebview", pywebview_window.version())
    child.record("storage_path", storage)
    child.record("user_data_folder", folder)
    child.record("storage_path_exists_after", os.path.isdir(storage))
    child.record("user_files_kept_while_open", seen.get("kept_while_open"))
    child.record("double_events", events)
    for name, assumed, source in dotnet_doubles.assumptions():
        child.assumption(name, assumed, source)

    ended = window.events.closed.is_set() and "message-loop-ended" in kinds
    if seen.get("renderer") != "edgechromium" or not seen.get("loaded") or not ended:
        sys.stderr.write(
            "window did not open and close through winforms/edgechromium: %r %r\n" % (seen, kinds)
        )
        return 1
    # The simulation must have carried the user's folder to WebView2 through a modelled API and
    # the stand-in browser must have worked in it; the user's files were there while it ran.
    used = [
        e
        for e in events
        if e["event"] == "user-data-folder-chosen" and e.get("user_data_folder") == storage
    ]
    child.control(
        "storage_path became WebView2's user data folder", folder == storage and bool(used)
    )
    child.control(
        "the user's files were there while the window was open",
        seen.get("kept_while_open") == list(userfiles.USER_FILES),
    )
    child.trigger(
        "webview.start(storage_path=...) in private mode: EdgeChromium window shown, "
        "page loaded, window.destroy(), GUI loop ended"
    )
    userfiles.reached(storage, seen.get("kept_while_open"))
    child.state("user-files", list(userfiles.USER_FILES), kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
