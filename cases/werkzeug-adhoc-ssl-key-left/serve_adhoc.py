"""The server of werkzeug-adhoc-ssl-key-left: ``run_simple(..., ssl_context="adhoc")`` on
127.0.0.1, the port given as the only argument. In a ``workaround`` cell the context comes from
the workaround module instead of ``"adhoc"``. Started by ``repro_adhoc.py``, which ends it."""
from __future__ import annotations

import sys
from typing import Any, Callable, Dict, Iterable

from werkzeug.serving import run_simple

from harness import child


def app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"served over adhoc TLS"]


def main() -> None:
    workaround = child.workaround()
    context = workaround.ssl_context() if workaround is not None else "adhoc"
    run_simple("127.0.0.1", int(sys.argv[1]), app, ssl_context=context)


if __name__ == "__main__":
    main()
