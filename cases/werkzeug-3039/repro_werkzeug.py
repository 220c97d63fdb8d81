"""werkzeug-3039 through plain Werkzeug: call_on_close never runs for a send_file response.

Trigger: a ``Request.application`` served by ``werkzeug.serving.make_server`` on 127.0.0.1 in a
thread gets one real GET over ``http.client``. The route writes a temp file
(``corpus-download-get-*`` under TMPDIR), returns ``send_file(path, environ)`` and registers a
``call_on_close`` callback that deletes the file. A HEAD to the same route is the control: its
response takes the branch that closes the response, so its callback must run. The workaround,
when the cell has one, is applied to the ``send_file`` result inside the route.

Evidence: callbacks registered/run for the GET (``callbacks.get``), the HEAD control, status
codes, body size, the temp files left behind, whether the server closed the download's file
anyway (it does, so descriptors are not the signal), and whether the app handed the server's
``wsgi.file_wrapper`` object back as its body (the zero-copy path a real server would use).
The server, the requests and the evidence are shared with ``repro_flask.py`` in ``serving.py``.
"""
from __future__ import annotations

from importlib.metadata import version
from typing import Any, Dict

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

import serving
from harness import child

workaround = child.workaround()


@Request.application
def app(request: Request) -> Response:
    method = request.method
    path = serving.write_download(method)
    response = send_file(path, request.environ, mimetype="application/octet-stream")
    response.call_on_close(serving.remove_download(method, path))
    if workaround is not None:
        response = workaround.keep_close_callbacks(response)
    serving.served[method] = {
        "direct_passthrough": response.direct_passthrough,
        "body_file": getattr(response.response, "file", None),
    }
    return response


def body_file(info: Dict[str, Any]) -> Any:
    """The download's file, noted by the route when it built the response."""
    return info.pop("body_file", None)


def main() -> None:
    serving.run(app, {"werkzeug": version("werkzeug")}, workaround is not None, body_file)


if __name__ == "__main__":
    main()
