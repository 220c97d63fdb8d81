"""pywebview #1554, simulated on Linux: WebView2's user data folder left in the temp dir.

Trigger: one window (private mode, the default) opened with ``webview.start()`` and closed with
``window.destroy()`` once loaded, running pywebview's own, unmodified Windows backend
(``webview/platforms/winforms.py`` + ``edgechromium.py``). The .NET / WebView2 layer under it
is made of test doubles (``dotnet_doubles.py``, written for this corpus): the stand-in WebView2
re-creates and fills the user data folder pywebview hands it, as the real runtime does. The
evidence is therefore "simulated"; native evidence needs Windows.

Evidence: the user data folder pywebview chose (``winforms.cache_dir``), whether it was still
there after ``webview.start()`` returned and how many entries it held, the ``tmp*`` entries of
the temp dir, what the doubles saw (browser process, navigation, message loop) and, through
``child.capture_warnings()``, the ResourceWarning "Implicitly cleaning up <TemporaryDirectory"
that releases 4.1 and later emit when the window starts (5.4 and 6.x included).

pywebview 4.0.x passes no user data folder at all (the throwaway temp folder came with PR #1082
in 4.1): the reproducer records ``user_data_folder = None`` and says so on stderr; the window
still opens and closes, and nothing can be left in the temp dir.
"""
from __future__ import annotations

import glob
import os
import sys
import tempfile
import threading
from typing import Any, Dict, List

from harness import child

import dotnet_doubles

dotnet_doubles.install()

import webview  # noqa: E402  (after the doubles, as the Windows modules load inside start())

LOAD_TIMEOUT = 20.0


def main() -> int:
    seen: Dict[str, Any] = {}
    window = webview.create_window("corpus pywebview-1554", html="<p>corpus</p>")

    def close_when_loaded() -> None:
        seen["loaded"] = window.events.loaded.wait(LOAD_TIMEOUT)
        seen["shown"] = window.events.shown.is_set()
        winforms = sys.modules.get("webview.platforms.winforms")
        seen["renderer"] = getattr(winforms, "renderer", None)
        seen["user_data_folder"] = getattr(winforms, "cache_dir", None)
        folder = seen["user_data_folder"]
        seen["folder_while_open"] = bool(folder) and os.path.isdir(folder)
        window.destroy()

    workaround = child.workaround()
    start = workaround.start if workaround is not None else webview.start
    with child.capture_warnings() as warned:
        start(close_when_loaded)
        closed = window.events.closed.is_set()

    events: List[Dict[str, Any]] = dotnet_doubles.EVENTS
    kinds = [event["event"] for event in events]
    folder = seen.get("user_data_folder")
    temp_entries = sorted(os.path.basename(p) for p in glob.glob(os.path.join(tempfile.gettempdir(), "*")))
    child.record("pywebview", _version())
    child.record("renderer", seen.get("renderer"))
    child.record("user_data_folder", folder)
    child.record("folder_while_open", seen.get("folder_while_open"))
    child.record("folder_left_after_start", bool(folder) and os.path.isdir(folder))
    child.record("folder_entries_left", _count(folder))
    child.record("temp_entries", temp_entries)
    child.record("double_events", events)
    child.record("resource_warnings", [w["message"] for w in warned if w["category"] == "ResourceWarning"])

    opened = bool(seen.get("loaded")) and bool(seen.get("shown")) and "browser-started" in kinds
    ended = closed and "form-closed" in kinds and "message-loop-ended" in kinds
    if seen.get("renderer") != "edgechromium" or not opened or not ended:
        sys.stderr.write("window did not open and close through winforms/edgechromium: %r %r\n" % (seen, kinds))
        return 1
    child.trigger("webview.start(): EdgeChromium window shown, page loaded, window.destroy(), GUI loop ended")
    if folder is not None:
        # The stand-in runtime must have filled the folder it was given, as WebView2 does: a
        # simulation that missed the release's way of passing it proves nothing (no clean).
        child.control("stand-in WebView2 filled the user data folder", bool(seen.get("folder_while_open")))
    if folder is None:
        note = ("pywebview %s hands WebView2 no user data folder (the private-mode temp folder "
                "arrived in 4.1, PR #1082): nothing of this kind can be left in the temp dir"
                % _version())
        child.record("note", note)
        sys.stderr.write(note + "\n")
    return 0


def _count(folder: Any) -> int:
    if not folder or not os.path.isdir(folder):
        return 0
    return sum(len(dirs) + len(files) for _, dirs, files in os.walk(folder))


def _version() -> str:
    from importlib.metadata import version

    return version("pywebview")


if __name__ == "__main__":
    code = main()
    # WinForms threads are gone; a leftover pywebview helper thread must not keep us alive.
    alive = [t.name for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if alive:
        child.record("threads_left", alive)
    sys.exit(code)
