"""App-level workaround for pallets/werkzeug#3039, for apps pinned to any Werkzeug release.

``send_file`` returns a response in pass-through mode, and a pass-through response is handed to
the server without the wrapper that calls ``Response.close()``, so ``call_on_close`` callbacks
never run. Turning pass-through off (what the maintainers suggest in #3039) sends the body
through the normal iterator again, and that iterator's ``close()`` runs the callbacks.

Cost: the body is no longer the server's ``wsgi.file_wrapper`` object, so a server that has a
zero-copy path for that wrapper (``sendfile`` in gunicorn, uWSGI, wsgiref) copies the file
through Python in chunks instead.
"""
from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def keep_close_callbacks(response: T) -> T:
    """Turn off pass-through so the response's close callbacks run; returns the response.

    Usable directly on a ``send_file`` result or as a Flask ``after_request`` hook.
    """
    if getattr(response, "direct_passthrough", False):
        response.direct_passthrough = False  # type: ignore[attr-defined]
    return response
