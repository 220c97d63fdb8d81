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
from harness import child

tls.qt_offscreen()
BROKEN = tls.broken_release()  # before Qt starts: then its message is the only output
if BROKEN is None:
    tls.qt_application()

import webview  # noqa: E402

APP = os.path.abspath("app")


def main() -> int:
    if BROKEN is not None:
        child.record("note", BROKEN)
        sys.stderr.write(BROKEN + "\n")
        return 1
    if not tls.has_ssl_parameter():
        child.absent(
            "pywebview %s: webview.start() has no ssl parameter (PR #1039, first in 4.1)"
            % tls.version()
        )
        return 0
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
            seen["loaded"] = window.events.loaded.wait(tls.LOAD_TIMEOUT)
            seen["page"] = window.evaluate_js(tls.PAGE_PROBE_JS)
            seen["js"] = window.evaluate_js("6 * 7")
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
    workaround = child.workaround()
    start = workaround.start if workaround is not None else webview.start
    try:
        start(look_then_close, gui="qt", ssl=True, server_args=server_args)
    except Exception as exc:  # e.g. a 5.x Qt backend with Qt 5 enum names under PyQt6: no verdict
        child.record("note", "pywebview %s: webview.start() raised %r" % (tls.version(), exc))
        sys.stderr.write("webview.start() raised %r\n" % exc)
        return 1
    after = tls.digests(files)

    child.record("pywebview", tls.version())
    for key in ("server", "page", "js", "served_user_certificate", "verified_get", "error"):
        if key in seen:
            child.record(key, seen[key])
    child.record("sha256_before", before)
    child.record("sha256_while_open", seen.get("while_open"))
    child.record("sha256_after", after)
    child.record("app_files_after", sorted(os.listdir(os.path.join(APP, "tls"))))
    child.record("children_after_start", tls.children())

    child.control("javascript-round-trip", seen.get("js") == 42)
    child.control("page-served-over-https", seen.get("page") == tls.MARKER + " https:")
    if seen.get("served_user_certificate") is False and seen.get("page") == tls.MARKER + " https:":
        child.absent(
            "pywebview %s serves a certificate it generated, not the user's: before PR #1650 "
            "(first in 6.0) start(ssl=True) overwrites server_args keyfile/certfile with its own "
            "temporary files, so the user's files are never used (nor deleted)" % tls.version()
        )
        return 0
    child.control("tls-with-the-user-certificate", seen.get("verified_get") is True)
    if seen.get("verified_get") is not True:
        sys.stderr.write("the window or the TLS server did not work: %r\n" % seen)
        return 1
    child.trigger(
        "webview.start(gui='qt', ssl=True, server_args={keyfile, certfile}) with a local URL: "
        "page loaded over https, TLS handshake presented the user's certificate, window.destroy()"
    )
    for label in files:
        child.state(label, before[label], after[label])
    return 0


if __name__ == "__main__":
    code = main()
    # Leave without interpreter teardown: with Qt 5 (pywebview 4.x) destroying QtWebEngine
    # objects after the QApplication sometimes ends in SIGSEGV, unrelated to this case.
    # pywebview registers no atexit hooks; QtWebEngine's helpers end with this process.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
