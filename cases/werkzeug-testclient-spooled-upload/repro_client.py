"""werkzeug-testclient-spooled-upload through ``werkzeug.test.Client``.

Trigger: 20 uploads of 2 MB (above the 500 KB threshold at which the test client spools the
request body to a ``TemporaryFile``) posted to a ``Request.application`` with the default
``follow_redirects=False``, each response closed by ``with``. Since 2.1.0 the client returns
before it registers the body's ``close`` on the response (commit 00401f7e), so every body stays
open until the garbage collector finds it. Shared measurement: ``uploads.py``.
"""
from __future__ import annotations

from importlib.metadata import version
from typing import Any, Dict

from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

import uploads


@Request.application
def app(request: Request) -> Response:
    return Response(uploads.note_request(request.environ, request.files["file"]))


def main() -> None:
    client = Client(app)

    def post(data: Dict[str, Any], size: int) -> Any:
        return client.post("/upload", data=data)

    uploads.measure(post, {"werkzeug": version("werkzeug")})


if __name__ == "__main__":
    main()
