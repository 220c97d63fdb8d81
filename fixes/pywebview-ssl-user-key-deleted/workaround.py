"""App-level workaround for pywebview 6.x deleting the key and certificate passed in
``server_args``: hand pywebview copies.

Use ``start(...)`` from this module instead of ``webview.start(...)``. With ``ssl=True`` and
``server_args`` keyfile/certfile it copies both files into a private folder (``mkdtemp``, mode
0700), passes the copies, and removes the folder when ``webview.start()`` returns (pywebview
may have deleted the copies already). Public API only; harmless on releases before 6.0, which
ignore the user's files anyway.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import webview


def start(*args: Any, **kwargs: Any) -> Any:
    """``webview.start()`` that never gives pywebview the caller's own TLS files."""
    server_args = dict(kwargs.get("server_args") or {})
    if not kwargs.get("ssl") or not {"keyfile", "certfile"} <= set(server_args):
        return webview.start(*args, **kwargs)
    folder = tempfile.mkdtemp(prefix="pywebview-tls-")
    try:
        for name in ("keyfile", "certfile"):
            copy = os.path.join(folder, os.path.basename(server_args[name]))
            shutil.copy2(server_args[name], copy)
            server_args[name] = copy
        kwargs["server_args"] = server_args
        return webview.start(*args, **kwargs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
