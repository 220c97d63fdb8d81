"""pywebview ``start(ssl=True)`` leaves its generated private key ``keyfile_*.pem`` in the temp
dir when no built-in server runs: a window with ``html=`` content or a remote URL.

``python repro_generated_tls.py html|remote|local``: one real Qt window (offscreen) with the
app's page given as ``html=``, as a remote URL, or as a local URL (the control: pywebview's own
server starts, loads the key and deletes it). The remote URL is ``http://127.0.0.1:<port>/``
served by a plain HTTP server in this process: pywebview treats every ``http://``/``https://``
URL as remote (``webview.util.is_local_url``) and starts no server for it. Nothing leaves this
machine.

Controls while the window is open: the page's marker is in the window and a JavaScript round
trip works; the page came over ``https:`` from pywebview's server (local) or over ``http:`` from
ours, which saw the request (remote); pywebview generated its files (``certfile_*.pem`` seen in
the temp dir); where a pywebview server runs, its TLS handshake presents the generated
certificate. ``temp_leftovers`` then judges the ``keyfile_*.pem`` left after ``start()`` returned.
"""

from __future__ import annotations

import http.server
import os
import sys
import tempfile
import threading
from typing import Any, Dict, List, Optional

from cases._shared import pywebview_tls as tls
from cases._shared import pywebview_window
from harness import child

BROKEN = tls.prepare()

import webview  # noqa: E402

MODES = ("html", "remote", "local")


class _Page(http.server.BaseHTTPRequestHandler):
    """The "remote" site: the app's page over plain HTTP on 127.0.0.1."""

    hits: List[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        _Page.hits.append(self.path)
        body = tls.PAGE.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def make_window(mode: str) -> Any:
    title = "corpus pywebview-ssl-generated-key-left (%s)" % mode
    if mode == "html":
        return webview.create_window(title, html=tls.PAGE)
    if mode == "local":
        return webview.create_window(
            title, tls.write_page(os.path.abspath(os.path.join("app", "site")))
        )
    site = http.server.ThreadingHTTPServer(("127.0.0.1", child.free_port()), _Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return webview.create_window(title, "http://127.0.0.1:%d/" % site.server_address[1])


def main(mode: str) -> int:
    code = tls.cannot_run(BROKEN)
    if code is not None:
        return code
    temp = tempfile.gettempdir()
    seen: Dict[str, Any] = {}
    window = make_window(mode)

    def look_then_close() -> None:
        try:
            tls.look(window, seen)
            seen["tls_files_while_open"] = tls.tls_files(temp)
            server: Optional[Any] = webview.http.global_server
            seen["server"] = server.address if server is not None else None
            if server is not None:
                certs = [n for n in seen["tls_files_while_open"] if n.startswith("certfile_")]
                with open(os.path.join(temp, certs[0]), "rb") as f:
                    generated = tls.der_of(f.read())
                seen["served_generated_certificate"] = (
                    tls.served_certificate(server.address) == generated
                )
        except Exception as exc:  # recorded: the controls below then fail
            seen["error"] = repr(exc)
        finally:
            window.destroy()

    if not tls.start(look_then_close):
        return 1

    child.record("pywebview", pywebview_window.version())
    child.record("mode", mode)
    for key in (
        "page",
        "js",
        "server",
        "served_generated_certificate",
        "tls_files_while_open",
        "error",
    ):
        if key in seen:
            child.record(key, seen[key])
    child.record("remote_site_requests", _Page.hits)
    child.record("tls_files_after", tls.tls_files(temp))
    child.record("children_after_start", pywebview_window.children())

    scheme = {"local": "https:", "remote": "http:"}.get(mode)
    page_ok = seen.get("page") == tls.MARKER + (" " + scheme if scheme else "")
    if mode == "html":  # about:blank or data: depending on the release
        page_ok = str(seen.get("page", "")).startswith(tls.MARKER + " ")
    child.control("javascript-round-trip", seen.get("js") == 42)
    child.control("page-loaded", page_ok)
    generated = [n for n in seen.get("tls_files_while_open", []) if n.startswith("certfile_")]
    child.control("certificate-generated", bool(generated))
    if generated:
        child.reached("tls-files-generated-in-temp-dir", "start(ssl=True) generated its key and "
                      "certificate in the inspected temp dir (%s there while the window was "
                      "open)" % ", ".join(seen["tls_files_while_open"]))
    if mode == "remote":
        child.control("remote-site-served", bool(_Page.hits))
    if seen.get("server") is not None or mode == "local":
        child.control(
            "pywebview-server-presented-generated-certificate",
            seen.get("served_generated_certificate") is True,
        )
    if seen.get("js") != 42 or not page_ok:
        sys.stderr.write("the window did not load the page: %r\n" % seen)
        return 1
    child.trigger(
        "webview.start(gui='qt', ssl=True) with a %s window: page loaded (%s), window.destroy(), "
        "GUI loop ended" % (mode, seen.get("page"))
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit("usage: repro_generated_tls.py %s" % "|".join(MODES))
    pywebview_window.leave(main(sys.argv[1]))
