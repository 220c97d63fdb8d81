"""Our fix for pallets/werkzeug#3039: pass-through responses run their close callbacks.

Upstream, ``Response.get_app_iter`` returns a pass-through body (what ``send_file`` makes) as
it is, so the server's ``close()`` reaches the file wrapper and never ``Response.close()``. This
patch keeps returning the very same body object, so a server that recognises its own
``wsgi.file_wrapper`` (by ``isinstance``) keeps its zero-copy path, but gives that object a
``close`` that closes the response: the body first, then every ``call_on_close`` callback.
Bodies that refuse a new attribute (a list, a C object) are wrapped in a ``ClosingIterator``
instead, which costs only the zero-copy path for those. Responses without callbacks are left
untouched.
"""
from __future__ import annotations

from typing import Any, Callable


def _hook_close(response: Any, body: Any) -> bool:
    """Make ``body.close()`` close ``response``; False if ``body`` takes no new attribute."""
    inner: Callable[[], Any] | None = getattr(body, "close", None)
    closing = []

    def close() -> None:
        if closing:  # reached again from Response.close(): close the body itself
            if inner is not None:
                inner()
            return
        closing.append(True)
        response.close()

    try:
        body.close = close
    except (AttributeError, TypeError):
        return False
    return True


def apply() -> None:
    from werkzeug.wrappers import response as response_module
    from werkzeug.wsgi import ClosingIterator

    cls = response_module.Response
    if getattr(cls.get_app_iter, "_corpus_werkzeug_3039", False):
        return
    original = cls.get_app_iter

    def get_app_iter(self: Any, environ: Any) -> Any:
        body = original(self, environ)
        # Only the pass-through branch returns self.response unwrapped.
        if body is not self.response or not self._on_close:
            return body
        if _hook_close(self, body):
            return body
        return ClosingIterator(body, self.close)

    get_app_iter._corpus_werkzeug_3039 = True  # type: ignore[attr-defined]
    get_app_iter.__doc__ = original.__doc__
    cls.get_app_iter = get_app_iter
