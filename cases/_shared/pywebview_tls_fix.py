"""Our fix for pywebview's ``start(ssl=True)`` cleanup (6.x), shared by two cases:
pywebview deletes exactly the key and certificate that ``start()`` generated, and no other file.

- pywebview-ssl-user-key-deleted: the user's own ``server_args`` keyfile/certfile are never
  deleted (the server's unlink of the key and ``start()``'s unlink of the certificate skip them);
- pywebview-ssl-generated-key-left: when ``start()`` returns it deletes a generated key that no
  server consumed (``html=`` content, remote URLs), as it already deletes the certificate.

The generated key is still deleted by the server right after it is loaded when a server runs.
Applied when ``webview`` is imported (an import hook), without copying upstream code: the
generator is wrapped to note its files, the ``os`` that webview/__init__.py and webview/http.py
see refuses to unlink any other file, and ``webview.start`` removes what is left of the noted
files when it returns. The same change as a diff against 6.2.1 is in each case's UPSTREAM.md.
"""

from __future__ import annotations

import functools
import logging
import os
from types import ModuleType
from typing import Any, Set

from harness.child import patch_on_import

TARGET = "webview"
GENERATORS = ("__generate_ssl_cert", "generate_ssl_cert")  # 5.3 renamed it
logger = logging.getLogger("pywebview")


class _OwnFilesOnly:
    """The ``os`` module, but ``unlink`` only removes files in ``generated``."""

    def __init__(self, generated: Set[str]) -> None:
        self._generated = generated

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def unlink(self, path: Any, *args: Any, **kwargs: Any) -> None:
        if os.fspath(path) not in self._generated:
            logger.debug("not deleting %s: pywebview did not create it", path)
            return
        os.unlink(path, *args, **kwargs)


def _patch(webview: ModuleType) -> None:
    name = next((n for n in GENERATORS if hasattr(webview, n)), None)
    if name is None or not hasattr(webview, "http"):
        raise RuntimeError("pywebview TLS fix: this release has no generated TLS files (<4.1)")
    generated: Set[str] = set()
    original_generate = getattr(webview, name)
    original_start = webview.start

    def generate() -> Any:
        keyfile, certfile = original_generate()
        generated.update((keyfile, certfile))
        return keyfile, certfile

    @functools.wraps(original_start)
    def start(*args: Any, **kwargs: Any) -> Any:
        try:
            return original_start(*args, **kwargs)
        finally:
            for path in sorted(generated):
                generated.discard(path)
                if os.path.exists(path):
                    os.unlink(path)

    setattr(webview, name, generate)
    webview.os = _OwnFilesOnly(generated)
    webview.http.os = _OwnFilesOnly(generated)
    webview.start = start


def apply() -> None:
    """Patch ``TARGET`` now, or right after it is first imported."""
    patch_on_import(TARGET, _patch)
