"""App-level workaround for the test client's spooled upload body, for any Werkzeug release.

A test that posts a file larger than 500 KB through ``werkzeug.test.Client`` or Flask's test
client gets a response whose ``close()`` leaves the spooled request body open (since 2.1.0,
with the default ``follow_redirects=False``). Registering the body's ``close`` on the response
restores what 2.0 did: closing the response closes the body.

In a test suite: call ``close_upload_on_close(response)`` on each response of an upload, or
do it for every response in a ``Client`` subclass's ``open`` (Flask: ``app.test_client_class``).
Passing ``follow_redirects=True`` also takes the path that closes the body, but changes what
the test checks when the view redirects.
"""
from __future__ import annotations

from typing import Any


def close_upload_on_close(response: Any) -> Any:
    """Make ``response.close()`` close its request's body; returns the response."""
    request = getattr(response, "request", None)
    stream = getattr(request, "input_stream", None)
    if stream is not None:
        response.call_on_close(stream.close)
    return response
