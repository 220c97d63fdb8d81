"""The server of werkzeug-adhoc-ssl-key-left: ``run_simple(..., ssl_context="adhoc")`` on
127.0.0.1, the port given as the first argument. In a ``workaround`` cell the context comes from
the workaround module instead of ``"adhoc"``. Started by ``repro_adhoc.py``, which ends it.

The path record: every key file the process loads into an ``ssl.SSLContext`` (the one call
that reads the generated key, whichever code wrote it) is appended, with its folder and whether
it held a PEM private key, to the report file named by the second argument, read by
``repro_adhoc.py``. An observation only: the call and its result are unchanged."""
from __future__ import annotations

import json
import os
import ssl
import sys
from typing import Any, Callable, Dict, Iterable, Optional

from werkzeug.serving import run_simple

from harness import child


def app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"served over adhoc TLS"]


def report_loaded_keys(report: str) -> None:
    """Note each key file ``load_cert_chain`` reads in ``report`` (one JSON line each)."""
    original = ssl.SSLContext.load_cert_chain

    def load_cert_chain(
        self: ssl.SSLContext, certfile: str, keyfile: Optional[str] = None, password: Any = None
    ) -> None:
        path = os.path.abspath(keyfile or certfile)
        with open(path, "rb") as handle:
            private_key = b"PRIVATE KEY-----" in handle.read()
        with open(report, "a", encoding="utf-8") as out:
            out.write(json.dumps({"keyfile": path, "private_key": private_key}) + "\n")
        return original(self, certfile, keyfile, password)

    ssl.SSLContext.load_cert_chain = load_cert_chain  # type: ignore[method-assign]


def main() -> None:
    report_loaded_keys(sys.argv[2])
    workaround = child.workaround()
    context = workaround.ssl_context() if workaround is not None else "adhoc"
    run_simple("127.0.0.1", int(sys.argv[1]), app, ssl_context=context)


if __name__ == "__main__":
    main()
