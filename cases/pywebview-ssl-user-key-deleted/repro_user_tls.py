"""pywebview ``start(ssl=True)`` with the user's own key and certificate deletes both (6.x).

Trigger: the app's page as a local URL (pywebview serves it itself), the user's own private key
and certificate passed as ``server_args={"keyfile": ..., "certfile": ...}``, a real Qt window
(offscreen), then ``window.destroy()``. The files live in the app's folder (the run's working
directory), not in the temp dir: they are the user's.

Controls, while the window is open: the page's marker came over ``https:`` in the window, a
JavaScript round trip (``6 * 7``), and a TLS handshake with pywebview's server that presents
the user's certificate, then a GET verified against it. A release that serves some other
certificate ignores the user's files (before PR #1650, first in 6.0: ``start()`` overwrote
``server_args`` with files it generated): it has no such code path and the run says so
(``absent``) instead of triggering. Evidence: the sha256 of each file before ``start()``, while
the window is open and after ``start()`` returned, judged by ``state_lost`` (one label a file).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict

from cases._shared import pywebview_tls as tls
from cases._shared import pywebview_window
from harness import child

BROKEN = tls.prepare()

import webview  # noqa: E402

APP = os.path.abspath("app")


def main() -> int:
    code = tls.cannot_run(BROKEN)
    if code is not None:
        return code
    page = tls.write_page(os.path.join(APP, "site"))
    keyfile, certfile = tls.make_user_tls(os.path.join(APP, "tls"))
    files = {"keyfile": keyfile, "certfile": certfile}
    with open(certfile, "rb") as f:
        user_cert_pem = f.read()
    before = tls.digests(files)
    seen: Dict[str, Any] = {}
    window = webview.create_window("corpus pywebview-ssl-user-key-deleted", page)

    def look_then_close() -> None:
        try:
            tls.look(window, seen)
            address = webview.http.global_server.address
            seen["server"] = address
            seen["served_user_certificate"] = tls.served_certificate(address) == tls.der_of(
                user_cert_pem
            )
            if seen["served_user_certificate"]:
                body = tls.https_get(address + "index.html", cadata=user_cert_pem.decode("ascii"))
                seen["verified_get"] = tls.MARKER in body.decode("utf-8", "replace")
            seen["while_open"] = tls.digests(files)
        except Exception as exc:  # recorded: the controls below then fail
            seen["error"] = repr(exc)
        finally:
            window.destroy()

    server_args = dict(files)
    if not tls.start(look_then_close, server_args=server_args):
        return 1
    after = tls.digests(files)

    child.record("pywebview", pywebview_window.version())
    for key in ("server", "page", "js", "served_user_certificate", "verified_get", "error"):
        if key in seen:
            child.record(key, seen[key])
    child.record("sha256_before", before)
    child.record("sha256_while_open", seen.get("while_open"))
    child.record("sha256_after", after)
    child.record("app_files_after", sorted(os.listdir(os.path.join(APP, "tls"))))
    child.record("children_after_start", pywebview_window.children())

    child.control("javascript-round-trip", seen.get("js") == 42)
    child.control("page-served-over-https", seen.get("page") == tls.MARKER + " https:")
    if seen.get("served_user_certificate") is False and seen.get("page") == tls.MARKER + " https:":
        child.absent(
            "pywebview %s serves a certificate it generated, not the user's: before PR #1650 "
            "(first in 6.0) start(ssl=True) overwrites server_args keyfile/certfile with its own "
            "temporary files, so the user's files are never used (nor deleted)"
            % pywebview_window.version()
        )
        return 0
    child.control("tls-with-the-user-certificate", seen.get("verified_get") is True)
    if seen.get("verified_get") is not True:
        sys.stderr.write("the window or the TLS server did not work: %r\n" % seen)
        return 1
    child.reached("server-used-user-key", "pywebview's server loaded the user's keyfile and "
                  "certfile: the TLS handshake presented the user's certificate")
    child.trigger(
        "webview.start(gui='qt', ssl=True, server_args={keyfile, certfile}) with a local URL: "
        "page loaded over https, TLS handshake presented the user's certificate, window.destroy()"
    )
    for label in files:
        child.state(label, before[label], after[label])
    return 0


if __name__ == "__main__":
    pywebview_window.leave(main())
