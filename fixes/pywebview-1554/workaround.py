"""App-level workaround for pywebview #1554 (4.1-5.3.2 on Windows, EdgeChromium, private mode).

Use ``start(...)`` from this module instead of ``webview.start(...)``. In private mode (the
default) without a ``storage_path`` it makes a folder of its own with ``tempfile.mkdtemp()``,
passes it as ``storage_path`` so that WebView2 keeps its data there instead of in the throwaway
folder pywebview would pick, and deletes it once ``webview.start()`` has returned (every window
closed), retrying for a few seconds while the WebView2 browser process still holds files.
Public API only; harmless on 5.4 and later, which delete a private-mode ``storage_path``
themselves. As a side effect the ResourceWarning of the throwaway folder is gone too: with a
``storage_path`` pywebview makes no ``TemporaryDirectory``.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from typing import Any

import webview


def remove_folder(folder: str, patience: float = 5.0) -> bool:
    """Delete ``folder``; on Windows a browser process may still lock files for a moment."""
    deadline = time.monotonic() + patience
    while True:
        try:
            shutil.rmtree(folder)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)


def start(*args: Any, **kwargs: Any) -> Any:
    """``webview.start()`` with a private-mode user data folder that is deleted afterwards."""
    if not kwargs.get("private_mode", True) or kwargs.get("storage_path"):
        return webview.start(*args, **kwargs)
    folder = tempfile.mkdtemp()
    kwargs["storage_path"] = folder
    try:
        return webview.start(*args, **kwargs)
    finally:
        remove_folder(folder)
