"""werkzeug-3039, claim W5.4 ("with pass-through off the file is buffered in memory"): the peak
memory of the process serving a large file.

Trigger: a 256 MB file written to the cell's private temp dir (``corpus-large-*``, removed at the
end) is served once by ``werkzeug.serving.make_server`` on 127.0.0.1 in a thread (the request
handler of ``serving.py``, which offers a ``wsgi.file_wrapper``) and read whole over
``http.client`` in 1 MB pieces that are thrown away. The response is made as the cell says:

``send_file(path, environ)`` as it is (pass-through on, variants affected / latest), with the
workaround applied (``workaround``: pass-through off) or with our patch (``patched``).

Evidence (``memory``): the process's resident set size when the request starts and its peak
during the request, from the request to the last byte of the body (``rss_window.PeakRSS``: a
thread samples the resident size every millisecond, so the window's own peak, not the
lifetime peak that writing the file already raised); the growth (that peak minus the resident
size at the start), in MB; the body's type as the server got it. The state
``file-not-buffered`` (probe ``state_lost``) is ``streamed`` when the peak grew by less than a
quarter of the file, ``buffered`` otherwise.

Control ``window-sees-a-buffered-file``: afterwards, in a window measured the same way, the
process reads the file whole and lets it go at once, as a buffered body would be; that
window's growth must be at least three quarters of the file, or the measurement could not have
seen a buffered body.
"""
from __future__ import annotations

import http.client
import os
import tempfile
import threading
from importlib.metadata import version
from typing import Any, Dict

from werkzeug.serving import make_server
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

import serving
from harness import child
from rss_window import PeakRSS

SIZE = 256 * 1024 * 1024
CHUNK = 1024 * 1024
MB = 1024 * 1024


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
        with PeakRSS() as request:
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
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    try:
        with PeakRSS() as buffered:  # the control: a transient buffer of the whole file
            with open(path, "rb") as handle:
                read = len(handle.read())
    finally:
        os.remove(path)
    if reply.status == 200 and received == SIZE:
        child.trigger("GET of a %d MB file served, whole body read" % (SIZE // MB))
        if served.get("app_iter"):
            child.reached(
                "large-file-body-served",
                "the app handed the server the %d MB file as %s and the client read all of it"
                % (SIZE // MB, served["app_iter"]),
            )
    child.record("versions", {"werkzeug": version("werkzeug")})
    child.record(
        "memory",
        {
            "workaround": workaround is not None,
            "file_mb": SIZE // MB,
            "rss_mb_at_request_start": round(request.start / MB, 1),
            "peak_rss_mb_during_request": round(request.peak / MB, 1),
            "peak_growth_mb": round(request.growth / MB, 1),
            "request_samples": request.samples,
            "control_rss_mb_at_start": round(buffered.start / MB, 1),
            "control_peak_rss_mb_reading_the_file": round(buffered.peak / MB, 1),
            "control_growth_mb": round(buffered.growth / MB, 1),
            "control_bytes_read": read,
            **served,
        },
    )
    child.control("window-sees-a-buffered-file", buffered.growth >= SIZE * 3 / 4)
    streamed = "streamed" if request.growth < SIZE / 4 else "buffered"
    child.state("file-not-buffered", "streamed", streamed)


if __name__ == "__main__":
    main()
