"""Our fix for pywebview #1554 on 5.x before 5.4 (made for 5.3.2): delete the WebView2 user
data folder of private mode when the GUI loop ends.

pywebview's ``winforms.init_storage()`` takes the name of a ``tempfile.TemporaryDirectory()``
that is collected at once: Python deletes the empty folder (with a ResourceWarning), WebView2
re-creates it by name and fills it, and nothing removes it at exit. This patch, applied when
``webview.platforms.winforms`` is imported (the module needs pythonnet, so it cannot be
patched eagerly):

1. ``init_storage()``: in private mode without ``storage_path`` the folder comes from
   ``tempfile.mkdtemp()`` and is remembered (same place and naming, no implicit cleanup, so no
   ResourceWarning); other modes are left to pywebview;
2. ``EdgeChrome.on_webview_ready``: remembers the browser process id of each WebView2;
3. ``create_window()`` of the master window returns only once the WinForms loop has ended (all
   windows closed): then it waits (up to 3 s each) for those browser processes to exit, so
   that no file is locked, and removes the folder, retrying for up to 5 s; an ``atexit`` hook
   does the same if ``webview.start()`` ended some other way.
"""
from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import time
from types import ModuleType
from typing import Any, List, Optional

from harness.child import patch_on_import

TARGET = "webview.platforms.winforms"
logger = logging.getLogger("pywebview")

_folders: List[str] = []
_browser_pids: List[int] = []


def _wait_for_browsers() -> None:
    while _browser_pids:
        pid = _browser_pids.pop()
        try:
            from System.Diagnostics import Process  # pythonnet, loaded by pywebview already

            Process.GetProcessById(pid).WaitForExit(3000)
        except Exception:  # already gone (ArgumentException) or not inspectable
            pass


def _remove_folders() -> None:
    _wait_for_browsers()
    while _folders:
        folder = _folders.pop()
        deadline = time.monotonic() + 5.0
        while True:
            try:
                shutil.rmtree(folder)
                break
            except FileNotFoundError:
                break
            except OSError as exc:  # a file still locked by a browser process on Windows
                if time.monotonic() > deadline:
                    logger.warning("could not delete WebView2 user data %s: %s", folder, exc)
                    break
                time.sleep(0.2)


def _patch(winforms: ModuleType) -> None:
    settings: Optional[dict] = getattr(winforms, "_settings", None)
    if not hasattr(winforms, "init_storage") or not isinstance(settings, dict):
        raise RuntimeError("pywebview-1554 patch: this release has no winforms.init_storage(); it targets 5.0-5.3.2")
    original_init_storage = winforms.init_storage
    original_create_window = winforms.create_window

    def init_storage() -> None:
        if settings["private_mode"] and not settings["storage_path"]:
            winforms.cache_dir = tempfile.mkdtemp()
            _folders.append(winforms.cache_dir)
        else:
            original_init_storage()

    def create_window(window: Any) -> None:
        try:
            original_create_window(window)
        finally:
            if window.uid == "master":  # the WinForms loop has ended: every window is closed
                _remove_folders()

    chromium = getattr(winforms, "Chromium", None)
    if chromium is not None:
        original_ready = chromium.EdgeChrome.on_webview_ready

        def on_webview_ready(self: Any, sender: Any, args: Any) -> None:
            try:
                _browser_pids.append(int(sender.CoreWebView2.BrowserProcessId))
            except Exception:  # initialisation failed: no browser process
                pass
            original_ready(self, sender, args)

        chromium.EdgeChrome.on_webview_ready = on_webview_ready

    winforms.init_storage = init_storage
    winforms.create_window = create_window
    atexit.register(_remove_folders)


def apply() -> None:
    """Patch ``TARGET`` now, or right after it is first imported."""
    patch_on_import(TARGET, _patch)
