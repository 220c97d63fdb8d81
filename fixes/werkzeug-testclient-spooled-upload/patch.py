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
from types import ModuleType
from typing import Any

from harness.child import patch_on_import

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


def apply() -> None:
    """Patch ``TARGET`` now, or right after it is first imported."""
    patch_on_import(TARGET, _patch)
