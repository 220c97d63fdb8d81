"""App-level workaround for pywebview #1688 (5.4 and later, Windows, EdgeChromium): whenever a
``storage_path`` is given, start with ``private_mode=False``, so that
``EdgeChrome.clear_user_data()`` returns before its ``shutil.rmtree``.

Use ``start(...)`` from this module instead of ``webview.start(...)``. The cost: without private
mode WebView2 keeps cookies and local storage in that folder between runs (which is usually why
an app names a folder); an app that wants both must clear them itself (``window.clear_cookies()``).
"""

from __future__ import annotations

from typing import Any

import webview


def start(*args: Any, **kwargs: Any) -> Any:
    """``webview.start()`` that never runs private mode over the app's own storage folder."""
    if kwargs.get("storage_path"):
        kwargs["private_mode"] = False
    return webview.start(*args, **kwargs)
