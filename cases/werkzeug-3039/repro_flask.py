"""werkzeug-3039 through Flask: call_on_close never runs for a flask.send_file response.

Trigger: a Flask app served by ``werkzeug.serving.make_server`` on 127.0.0.1 in a thread gets
one real GET over ``http.client``. The view writes a temp file (``corpus-download-get-*`` under
TMPDIR), returns ``flask.send_file(path)`` and registers a ``call_on_close`` callback that
deletes the file. A HEAD to the same route is the control: its response takes the branch that
closes the response, so its callback must run. The workaround, when the cell has one, is
installed as an ``after_request`` hook, the way a Flask app would apply it to every response.

Evidence: callbacks registered/run for the GET (``callbacks.get``), the HEAD control, status
codes, body size, the temp files left behind, whether the server closed the download's file
anyway (it does, so descriptors are not the signal), and whether the app handed the server's
``wsgi.file_wrapper`` object back as its body (the zero-copy path a real server would use).
Werkzeug's own server offers no ``wsgi.file_wrapper``; the handler below offers a subclass of
Werkzeug's ``FileWrapper`` under that key, which behaves exactly like the default.
"""
from __future__ import annotations

import http.client
import os
import tempfile
import threading
from importlib.metadata import version
from typing import Any, Callable, Dict, Iterable, List

import flask
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wsgi import FileWrapper

from harness import child

PREFIX = "corpus-download-"
PAYLOAD = os.urandom(64 * 1024)

callbacks_ran: Dict[str, int] = {"GET": 0, "HEAD": 0}
served: Dict[str, Dict[str, Any]] = {}
workaround = child.workaround()
app = flask.Flask(__name__)
if workaround is not None:
    app.after_request(workaround.keep_close_callbacks)


class ServerFileWrapper(FileWrapper):
    """Stands for a server's own file wrapper (the object gunicorn or uWSGI would sendfile)."""


class Handler(WSGIRequestHandler):
    def make_environ(self) -> Dict[str, Any]:
        environ = super().make_environ()
        environ["wsgi.file_wrapper"] = ServerFileWrapper
        return environ


@app.route("/download", methods=["GET", "HEAD"])
def download() -> flask.Response:
    method = flask.request.method
    fd, path = tempfile.mkstemp(prefix=PREFIX + method.lower() + "-")
    with os.fdopen(fd, "wb") as out:
        out.write(PAYLOAD)
    response = flask.send_file(path, mimetype="application/octet-stream")

    @response.call_on_close
    def remove_download() -> None:
        os.unlink(path)
        callbacks_ran[method] += 1

    served[method] = {"response": response}
    return response


def observe(inner: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """Note what the app hands the server as its body; return it unchanged."""

    def wsgi(environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = inner(environ, start_response)
        served[environ["REQUEST_METHOD"]].update(
            app_iter=type(body).__name__,
            server_file_wrapper=isinstance(body, environ["wsgi.file_wrapper"]),
        )
        return body

    return wsgi


def request(port: int, method: str) -> Dict[str, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, "/download")
        resp = conn.getresponse()
        body = resp.read()
        return {"status": resp.status, "bytes": len(body)}
    finally:
        conn.close()


def main() -> None:
    child.record("versions", {"werkzeug": version("werkzeug"), "flask": version("flask")})
    port = child.free_port()
    server = make_server("127.0.0.1", port, observe(app), request_handler=Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        get = request(port, "GET")
        if get["status"] == 200 and get["bytes"] == len(PAYLOAD):
            child.trigger("GET /download served: 200, %d bytes read" % get["bytes"])
        head = request(port, "HEAD")
    finally:
        # A non-threaded server closes each response before it takes the next poll, so once
        # serve_forever has returned every close() the server was going to call has run.
        server.shutdown()
        thread.join(10)
        server.server_close()
    report(get, head)


def report(get: Dict[str, Any], head: Dict[str, Any]) -> None:
    for method, result in (("GET", get), ("HEAD", head)):
        info = served.get(method, {})
        response = info.pop("response", None)
        body_file = getattr(getattr(response, "response", None), "file", None)
        if response is not None:
            # Read after after_request hooks ran: what the server actually got.
            info["direct_passthrough"] = response.direct_passthrough
        info.update(result, callback_ran=callbacks_ran[method])
        info["server_closed_file"] = None if body_file is None else body_file.closed
        child.record(method.lower(), info)
    leftovers: List[str] = sorted(n for n in os.listdir(tempfile.gettempdir()) if n.startswith(PREFIX))
    child.record("leftover_files", leftovers)
    child.record("workaround", workaround is not None)
    child.callbacks("get", expected=1, ran=callbacks_ran["GET"])
    child.control("head-callback-ran", head["status"] == 200 and callbacks_ran["HEAD"] == 1)


if __name__ == "__main__":
    main()
