"""werkzeug-testclient-spooled-upload, the control: the same uploads to a real server.

The app of ``repro_client.py`` is served by ``werkzeug.serving.make_server`` on 127.0.0.1 in a
thread and gets the same 20 uploads of 2 MB over ``http.client``. Its ``wsgi.input`` is the
socket, not a spooled file, and the request's own form files are closed with the request, so
the process must end with no descriptor more: the leak is the test client's, not the app's or
Werkzeug's form parsing. Shared measurement: ``uploads.py``.
"""
from __future__ import annotations

import http.client
import threading
from importlib.metadata import version
from typing import Any, Dict

from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

import uploads
from harness import child
from repro_client import app


class Posted:
    """The reply to one upload, closed like a test client's response."""

    def __init__(self, conn: http.client.HTTPConnection, status: int) -> None:
        self.conn, self.status_code = conn, status

    def __enter__(self) -> "Posted":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.conn.close()


def main() -> None:
    port = child.free_port()
    server = make_server("127.0.0.1", port, app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()

    def post(data: Dict[str, Any], size: int) -> Posted:
        stream, name = data["file"]
        boundary, body = encode_multipart({"file": FileStorage(stream, filename=name)})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(
            "POST",
            "/upload",
            body=body,
            headers={"Content-Type": "multipart/form-data; boundary=%s" % boundary},
        )
        reply = conn.getresponse()
        reply.read()
        return Posted(conn, reply.status)

    def settle() -> None:
        # A non-threaded server finishes each request before its next poll: once
        # serve_forever has returned, every connection it accepted is closed.
        server.shutdown()
        thread.join(10)

    try:
        uploads.measure(post, {"werkzeug": version("werkzeug")}, kind="socket", settle=settle)
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


if __name__ == "__main__":
    main()
