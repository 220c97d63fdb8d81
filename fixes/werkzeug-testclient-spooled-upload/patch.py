"""Our fix for the test client's spooled upload body (a regression of pallets/werkzeug#1785).

``werkzeug.test.Client.open`` registers ``request.input_stream.close`` on the response only on
the path that follows redirects; since 2.1.0 (commit 00401f7e) the default path,
``follow_redirects=False``, returns before that line, so a request body the client spooled to a
``TemporaryFile`` stays open after ``response.close()``. This patch wraps ``Client.open`` so
that the response it returns always closes its request's input stream, which is what the
source change in ``cases/werkzeug-testclient-spooled-upload/UPSTREAM.md`` does. Flask's
``FlaskClient.open`` calls ``Client.open``, so Flask is covered too.

Applied when ``werkzeug.test`` is imported (an import hook), so it works in any process of the
cell whether or not the module is already loaded.
"""
from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any

TARGET = "werkzeug.test"
MARK = "_corpus_spooled_upload"


def _patch(module: ModuleType) -> None:
    client = module.Client
    original = client.open
    if getattr(original, MARK, False):
        return

    @functools.wraps(original)
    def open(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = original(self, *args, **kwargs)
        if not kwargs.get("follow_redirects", False):
            # The path upstream returns early on: close the body with the response.
            stream = response.request.input_stream
            if stream is not None:
                response.call_on_close(stream.close)
        return response

    setattr(open, MARK, True)
    client.open = open


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Patches TARGET right after it is executed, the first time anything imports it."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module: ModuleType) -> None:
            exec_module(module)
            _patch(module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


def apply() -> None:
    if TARGET in sys.modules:
        _patch(sys.modules[TARGET])
    elif not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())
