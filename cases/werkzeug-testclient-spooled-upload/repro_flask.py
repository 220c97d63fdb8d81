"""werkzeug-testclient-spooled-upload through Flask's test client (``app.test_client()``).

Same trigger as ``repro_client.py``, through ``FlaskClient``, which hands every request to
``werkzeug.test.Client.open`` (Flask #3551 is this report). Shared measurement: ``uploads.py``.
"""
from __future__ import annotations

from importlib.metadata import version
from typing import Any, Dict

import flask

import uploads

app = flask.Flask(__name__)


@app.post("/upload")
def upload() -> str:
    return uploads.note_request(flask.request.environ, flask.request.files["file"])


def main() -> None:
    client = app.test_client()

    def post(data: Dict[str, Any], size: int) -> Any:
        return client.post("/upload", data=data)

    uploads.measure(post, {"werkzeug": version("werkzeug"), "flask": version("flask")})


if __name__ == "__main__":
    main()
