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
The server, the requests and the evidence are shared with ``repro_werkzeug.py`` in
``serving.py``.
"""
from __future__ import annotations

from importlib.metadata import version
from typing import Any, Dict

import flask

import serving
from harness import child

workaround = child.workaround()
app = flask.Flask(__name__)
if workaround is not None:
    app.after_request(workaround.keep_close_callbacks)


@app.route("/download", methods=["GET", "HEAD"])
def download() -> flask.Response:
    method = flask.request.method
    path = serving.write_download(method)
    response = flask.send_file(path, mimetype="application/octet-stream")
    response.call_on_close(serving.remove_download(method, path))
    serving.served[method] = {"response": response}
    return response


def body_file(info: Dict[str, Any]) -> Any:
    """The download's file, from the response the view returned; notes its pass-through flag."""
    response = info.pop("response", None)
    if response is not None:
        # Read after after_request hooks ran: what the server actually got.
        info["direct_passthrough"] = response.direct_passthrough
    return getattr(getattr(response, "response", None), "file", None)


def main() -> None:
    versions = {"werkzeug": version("werkzeug"), "flask": version("flask")}
    serving.run(app, versions, workaround is not None, body_file)


if __name__ == "__main__":
    main()
