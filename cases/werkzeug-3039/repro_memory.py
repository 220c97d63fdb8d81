"""werkzeug-3039, claim W5.4 ("with pass-through off the file is buffered in memory"): the peak
memory of the process serving a large file.

Trigger: a 256 MB file written to the cell's private temp dir (``corpus-large-*``, removed at the
end) is served once by ``werkzeug.serving.make_server`` on 127.0.0.1 in a thread (the request
handler of ``serving.py``, which offers a ``wsgi.file_wrapper``) and read whole over
``http.client`` in 1 MB pieces that are thrown away. The response is made as the cell says:

``send_file(path, environ)`` as it is (pass-through on, variants affected / latest), with the
workaround applied (``workaround``: pass-through off) or with our patch (``patched``).

Evidence (``memory``): the process's resident set size just before the request (psutil) and
its peak (``resource.getrusage``, ``ru_maxrss``) then and after the whole body was read; the
growth (peak after the body minus the resident size before the request), in MB; the body's
type as the server got it. The state ``file-not-buffered``
(probe ``state_lost``) is ``streamed`` when the peak grew by less than a quarter of the file,
``buffered`` otherwise.

Control ``rss-sees-a-buffered-file``: afterwards the process reads the file whole and holds it;
its resident size (psutil) must then be at least three quarters of the file above what it was
just before, or the measurement could not have seen a buffered body.
"""
from __future__ import annotations

import http.client
import os
import resource
import sys
import tempfile
import threading
from importlib.metadata import version
from typing import Any, Dict

import psutil

from werkzeug.serving import make_server
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

import serving
from harness import child

SIZE = 256 * 1024 * 1024
CHUNK = 1024 * 1024
MB = 1024 * 1024


def peak_rss() -> int:
    """The peak resident set size of this process so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KB


def write_large() -> str:
    fd, path = tempfile.mkstemp(prefix="corpus-large-")
    block = os.urandom(CHUNK)
    with os.fdopen(fd, "wb") as out:
        for _ in range(SIZE // CHUNK):
            out.write(block)
    return path


def main() -> None:
    workaround = child.workaround()
    path = write_large()
    served: Dict[str, Any] = {}

    @Request.application
    def app(request: Request) -> Response:
        response = send_file(path, request.environ, mimetype="application/octet-stream")
        if workaround is not None:
            response = workaround.keep_close_callbacks(response)
        served["direct_passthrough"] = response.direct_passthrough
        return response

    port = child.free_port()
    server = make_server(
        "127.0.0.1", port, serving.observe(app), request_handler=serving.Handler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    serving.served["GET"] = served
    try:
        before = peak_rss()
        current = psutil.Process().memory_info().rss
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/large")
        reply = conn.getresponse()
        received = 0
        while True:
            piece = reply.read(CHUNK)
            if not piece:
                break
            received += len(piece)
        conn.close()
        after = peak_rss()
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    try:
        unheld = psutil.Process().memory_info().rss
        with open(path, "rb") as handle:
            data = handle.read()
        held = psutil.Process().memory_info().rss
        del data
    finally:
        os.remove(path)
    if reply.status == 200 and received == SIZE:
        child.trigger("GET of a %d MB file served, whole body read" % (SIZE // MB))
        if served.get("app_iter"):
            child.reached("large-file-body-served", "the app handed the server the %d MB file "
                          "as %s and the client read all of it" % (SIZE // MB, served["app_iter"]))
    # Measured from the resident size just before the request, not from the earlier peak,
    # which may be higher: the growth is then an upper bound of what serving added.
    growth = after - current
    child.record("versions", {"werkzeug": version("werkzeug")})
    child.record(
        "memory",
        {
            "workaround": workaround is not None,
            "file_mb": SIZE // MB,
            "peak_rss_mb_before_request": round(before / MB, 1),
            "rss_mb_before_request": round(current / MB, 1),
            "peak_rss_mb_after_body": round(after / MB, 1),
            "peak_growth_mb": round(growth / MB, 1),
            "rss_mb_holding_the_file": round(held / MB, 1),
            "rss_mb_before_holding": round(unheld / MB, 1),
            **served,
        },
    )
    child.control("rss-sees-a-buffered-file", held - unheld >= SIZE * 3 / 4)
    streamed = "streamed" if growth < SIZE / 4 else "buffered"
    child.state("file-not-buffered", "streamed", streamed)


if __name__ == "__main__":
    main()
