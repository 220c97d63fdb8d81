"""App-level workaround for pywebview leaving its generated private key in the temp dir with
``start(ssl=True)``: turn the built-in server on, so that it loads the key and deletes it.

Use ``start(...)`` from this module instead of ``webview.start(...)``: with ``ssl=True`` it passes
``http_server=True`` unless the caller chose otherwise. Public API only. Cost: one idle HTTPS
server thread on 127.0.0.1 for the app's lifetime when the windows show ``html=`` content or
remote URLs (with ``private_mode=False`` it takes pywebview's fixed default port).
"""

from __future__ import annotations

from typing import Any

import webview


def start(*args: Any, **kwargs: Any) -> Any:
    """``webview.start()`` whose generated TLS key is always consumed by pywebview's server."""
    if kwargs.get("ssl"):
        kwargs.setdefault("http_server", True)
    return webview.start(*args, **kwargs)
