"""pywebview #1554, simulated on Linux: WebView2's user data folder left in the temp dir.

Trigger: one window (private mode, the default) opened with ``webview.start()`` and closed with
``window.destroy()`` once loaded, running pywebview's own, unmodified Windows backend
(``webview/platforms/winforms.py`` + ``edgechromium.py``). The .NET / WebView2 layer under it
is made of test doubles (``cases/_shared/dotnet_doubles.py``, written for this corpus): the
stand-in WebView2 re-creates and fills the user data folder pywebview hands it, as the real
runtime does. The evidence is therefore "simulated"; native evidence needs Windows. Every
assumption the doubles make is recorded with its source (``child.assumption``); the arguments
choose a pessimistic twin: ``--browser-exit-after S`` (the browser process exits S seconds after
``Dispose()`` and holds its files until then), ``--honour-creation-properties`` (the control
reads ``CreationProperties.UserDataFolder`` under an explicit environment too).

Evidence: the user data folder pywebview chose (``winforms.cache_dir``), whether it was still
there after ``webview.start()`` returned and how many entries it held, the ``tmp*`` entries of
the temp dir, what the doubles saw (browser process, navigation, message loop) and, through
``child.capture_warnings()``, the ResourceWarning "Implicitly cleaning up <TemporaryDirectory"
that releases 4.1 and later emit when the window starts (5.4 and 6.x included).

Whether the folder is gone after exit is judged by a probe (``state_lost``, label
``user-data-folder``), wherever pywebview put it, not only by the temp-dir listing.

pywebview 4.0.x passes no user data folder at all (the throwaway temp folder came with PR #1082
in 4.1): the window still opens and closes, and the reproducer reports the release ``absent``.
"""
from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import sys
import tempfile
import threading
from typing import Any, Dict, List

from harness import child

from cases._shared import dotnet_doubles, pywebview_window

_parser = argparse.ArgumentParser()
_parser.add_argument("--browser-exit-after", type=float, default=0.0)
_parser.add_argument("--honour-creation-properties", action="store_true")
ARGS = _parser.parse_args()
dotnet_doubles.install(ARGS.browser_exit_after, ARGS.honour_creation_properties)

import webview  # noqa: E402  (after the doubles, as the Windows modules load inside start())

LOAD_TIMEOUT = 20.0


def main() -> int:
    seen: Dict[str, Any] = {}
    if importlib.util.find_spec("webview.platforms") is None:
        # 4.2 was published without the package (its pyproject.toml lists only webview,
        # webview.js and webview.lib); 4.2.1 has it. A packaging fault, on every OS alike.
        note = ("pywebview %s was published without its webview.platforms package: no GUI backend "
                "(winforms included) can load on any OS, so there is nothing to simulate"
                % pywebview_window.version())
        child.record("note", note)
        sys.stderr.write(note + "\n")
        return 1
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

    with child.capture_warnings() as warned:
        pywebview_window.start(close_when_loaded)
        closed = window.events.closed.is_set()

    events: List[Dict[str, Any]] = dotnet_doubles.EVENTS
    kinds = [event["event"] for event in events]
    folder = seen.get("user_data_folder")
    temp_entries = sorted(os.path.basename(p) for p in glob.glob(os.path.join(tempfile.gettempdir(), "*")))
    child.record("pywebview", pywebview_window.version())
    child.record("renderer", seen.get("renderer"))
    child.record("user_data_folder", folder)
    child.record("folder_while_open", seen.get("folder_while_open"))
    child.record("folder_left_after_start", bool(folder) and os.path.isdir(folder))
    child.record("folder_entries_left", _count(folder))
    child.record("temp_entries", temp_entries)
    child.record("double_events", events)
    child.record("resource_warnings", [w["message"] for w in warned if w["category"] == "ResourceWarning"])

    for name, assumed, source in dotnet_doubles.assumptions():
        child.assumption(name, assumed, source)

    opened = bool(seen.get("loaded")) and bool(seen.get("shown")) and "browser-started" in kinds
    ended = closed and "form-closed" in kinds and "message-loop-ended" in kinds
    if seen.get("renderer") != "edgechromium" or not opened or not ended:
        sys.stderr.write("window did not open and close through winforms/edgechromium: %r %r\n" % (seen, kinds))
        return 1
    if folder is None:
        child.absent("pywebview %s hands WebView2 no user data folder and builds no "
                     "TemporaryDirectory (the private-mode temp folder arrived in 4.1, PR #1082)"
                     % pywebview_window.version())
        return 0
    if pywebview_window.in_temp_dir(folder):
        child.reached("user-data-folder-in-temp-dir", "pywebview made its user data folder %s "
                      "inside the inspected temp dir (existing while the window was open: %s)"
                      % (folder, seen.get("folder_while_open")))
    child.trigger("webview.start(): EdgeChromium window shown, page loaded, window.destroy(), GUI loop ended")
    left = _count(folder) if os.path.isdir(folder) else None
    child.state("user-data-folder", "removed", "removed" if left is None else "left (%d entries)" % left)
    # Fidelity of the simulation (a miss proves nothing, so no clean): the folder pywebview
    # chose must have reached WebView2 through an API the doubles model, not through one they
    # leave inert; and a folder WebView2 was started with must have been filled by it.
    handed = [h["api"] for h in dotnet_doubles.HANDOFFS if h["user_data_folder"] == folder]
    unmodelled = [u["api"] for u in dotnet_doubles.UNMODELLED if any(folder in p for p in u["paths"])]
    chosen = [e for e in events if e["event"] == "user-data-folder-chosen"]
    used = any(e.get("user_data_folder") == folder for e in chosen)
    child.record("user_data_folder_handed_to", handed)
    child.record("user_data_folder_unmodelled_apis", unmodelled)
    child.record("user_data_folder_used_by_webview2", used)
    child.control("user data folder reached a modelled WebView2 API", bool(handed) and not unmodelled)
    if used:
        child.control("stand-in WebView2 filled the user data folder", bool(seen.get("folder_while_open")))
    else:
        how = chosen[0] if chosen else {}
        note = ("pywebview %s hands its temp folder to %s, but WebView2 is initialised by %s with "
                "user data folder %r: WebView2 reads CreationProperties only for implicit "
                "initialization, so the runtime uses its default <executable>.WebView2 folder next "
                "to the executable and never fills the temp folder (5.2 only: commit cdc88c38 "
                "brought CreateAsync() without a folder, commit 3e08cce0 in 5.3 restored implicit "
                "initialization without storage_path, see #1487)"
                % (pywebview_window.version(), " and ".join(handed), how.get("initialization"),
                   how.get("user_data_folder")))
        child.record("note", note)
        sys.stderr.write(note + "\n")
    return 0


def _count(folder: Any) -> int:
    if not folder or not os.path.isdir(folder):
        return 0
    return sum(len(dirs) + len(files) for _, dirs, files in os.walk(folder))


if __name__ == "__main__":
    code = main()
    # WinForms threads are gone; a leftover pywebview helper thread must not keep us alive.
    alive = [t.name for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if alive:
        child.record("threads_left", alive)
    sys.exit(code)
