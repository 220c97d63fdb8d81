"""What both werkzeug-3039 reproducers share: the download, the server, the requests, the evidence.

A reproducer builds its app (plain ``Request.application`` or Flask) from ``write_download`` and
``remove_download``, notes in ``served[method]`` what it wants reported, and hands the app to
``run``, which:

- serves it with ``werkzeug.serving.make_server`` on 127.0.0.1 in a thread, through ``Handler``:
  Werkzeug's own server offers no ``wsgi.file_wrapper``, so the handler offers a subclass of
  Werkzeug's ``FileWrapper`` under that key, which behaves exactly like the default, and
  ``observe`` notes whether the app handed that object back as its body (the zero-copy path a
  real server would use);
- sends one real GET, then one HEAD (the control), over ``http.client``; the trigger is
  recorded only once the GET's whole body has been read;
- shuts the server down, so that every ``close()`` the server was going to call has run;
- records the evidence: ``versions``, ``get`` and ``head`` (status, bytes, callback_ran,
  server_closed_file, app_iter, server_file_wrapper and what the app noted), the temp files
  left behind (``leftover_files``), ``workaround``, the callbacks of the GET (label ``get``) and
  the control ``head-callback-ran``.
"""
from __future__ import annotations

import http.client
import os
import tempfile
import threading
from typing import Any, Callable, Dict, Iterable, List

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wsgi import FileWrapper

from harness import child

PREFIX = "corpus-download-"
PAYLOAD = os.urandom(64 * 1024)

WSGIApp = Callable[[Dict[str, Any], Callable[..., Any]], Iterable[bytes]]

callbacks_ran: Dict[str, int] = {"GET": 0, "HEAD": 0}
served: Dict[str, Dict[str, Any]] = {}
registered: Dict[str, List[str]] = {}  # method -> folders of the downloads registered for removal


class ServerFileWrapper(FileWrapper):
    """Stands for a server's own file wrapper (the object gunicorn or uWSGI would sendfile)."""


class Handler(WSGIRequestHandler):
    def make_environ(self) -> Dict[str, Any]:
        environ = super().make_environ()
        environ["wsgi.file_wrapper"] = ServerFileWrapper
        return environ


def write_download(method: str) -> str:
    """Write the payload to a new temp file (``corpus-download-<method>-*``); return its path."""
    fd, path = tempfile.mkstemp(prefix=PREFIX + method.lower() + "-")
    with os.fdopen(fd, "wb") as out:
        out.write(PAYLOAD)
    return path


def remove_download(method: str, path: str) -> Callable[[], None]:
    """The callback a view registers with ``call_on_close``: deletes ``path``, counts the run
    (and the registration, with the file's folder: the path record)."""
    registered.setdefault(method, []).append(os.path.dirname(path))

    def remove() -> None:
        os.unlink(path)
        callbacks_ran[method] += 1

    return remove


def observe(inner: WSGIApp) -> WSGIApp:
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


def run(
    app: WSGIApp,
    versions: Dict[str, str],
    workaround: bool,
    body_file: Callable[[Dict[str, Any]], Any],
) -> None:
    """Serve ``app``, send the GET and the HEAD, shut the server down, record the evidence.

    ``body_file`` gets what the app noted in ``served[method]`` once the server is down; it
    takes out (or adds) what the reproducer wants reported and returns the download's file
    object, or None.
    """
    child.record("versions", versions)
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
    report(get, head, workaround, body_file)


def report(
    get: Dict[str, Any],
    head: Dict[str, Any],
    workaround: bool,
    body_file: Callable[[Dict[str, Any]], Any],
) -> None:
    for method, result in (("GET", get), ("HEAD", head)):
        info = served.get(method, {})
        file = body_file(info)
        info.update(result, callback_ran=callbacks_ran[method])
        info["server_closed_file"] = None if file is None else file.closed
        child.record(method.lower(), info)
    leftovers: List[str] = sorted(
        n for n in os.listdir(tempfile.gettempdir()) if n.startswith(PREFIX)
    )
    child.record("leftover_files", leftovers)
    child.record("workaround", workaround)
    child.callbacks("get", expected=1, ran=callbacks_ran["GET"])
    if registered.get("GET") == [tempfile.gettempdir()]:
        child.reached("get-download-registered-for-removal", "the GET view wrote its download to "
                      "the inspected temp dir and registered its removal with call_on_close; the "
                      "body went to the server as %s" % served.get("GET", {}).get("app_iter"))
    child.control("head-callback-ran", head["status"] == 200 and callbacks_ran["HEAD"] == 1)
