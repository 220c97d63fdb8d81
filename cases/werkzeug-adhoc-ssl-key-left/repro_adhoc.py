"""werkzeug-adhoc-ssl-key-left: ``ssl_context="adhoc"`` leaves its private key and certificate
in the temp dir when the server is ended by a signal.

Trigger: ``serve_adhoc.py`` (``run_simple(..., ssl_context="adhoc")`` on 127.0.0.1) runs as a
child process with the cell's private TMPDIR; one HTTPS request must be answered with the
throw-away certificate Werkzeug generates (organisation "Dummy Certificate"); then the server is
ended by the signal named in the first argument: SIGTERM (what ``kill``, systemd and ``docker
stop`` send) or SIGINT (Ctrl-C, the control: Python unwinds normally and runs ``atexit``).

Evidence: the files the server made in the temp dir while serving (``files_while_serving``:
name, mode, whether it holds a PEM private key), the server's exit status, and the files still
there afterwards (``left_after_exit``, same fields). Path: the private key the server loaded
into its TLS context was a file inside this process's temp dir, the one the probe lists (the
temp-dir canary of this process proves it); a key written anywhere else leaves no record. The probe ``temp_leftovers`` counts the
``tmp*`` entries left. Controls: the HTTPS request was served with the adhoc certificate, and
the server was ended by the signal sent (not by a crash).
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import ssl
import stat
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from typing import Any, Dict, List, Optional, Set

from cases._shared import server_death
from harness import child

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve_adhoc.py")
LOADED = "adhoc-keys-loaded.jsonl"  # in the run's folder, outside the temp dir the probe lists


def loaded_keys(report: str) -> List[Dict[str, Any]]:
    """The key files the server loaded into its TLS context (``serve_adhoc.py`` notes them)."""
    try:
        with open(report, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except OSError:
        return []


def inside(folder: str, path: str) -> bool:
    top = os.path.realpath(folder)
    return os.path.commonpath([os.path.realpath(path), top]) == top


def key_in(folder: str, keys: List[Dict[str, Any]]) -> Optional[str]:
    """The private key file loaded from inside ``folder``, if any."""
    return next(
        (k["keyfile"] for k in keys if k["private_key"] and inside(folder, k["keyfile"])), None
    )


def describe(folder: str, names: Set[str]) -> List[Dict[str, Any]]:
    found = []
    for name in sorted(names):
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                head = handle.read(200)
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            continue
        found.append(
            {"name": name, "mode": oct(mode), "private_key": b"PRIVATE KEY-----" in head}
        )
    return found


def fetch(server: "subprocess.Popen[bytes]", port: int, deadline: float) -> Dict[str, Any]:
    """GET / over HTTPS, retried until the server listens (ServerDied if it exits first); the
    peer certificate's issuer."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    while True:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=context)
        try:
            conn.connect()
            der = conn.sock.getpeercert(binary_form=True) or b""
            conn.request("GET", "/")
            reply = conn.getresponse()
            body = reply.read()
            adhoc = b"Dummy Certificate" in der
            return {"status": reply.status, "body": body.decode(), "adhoc": adhoc}
        except OSError:
            server_death.check(server, "the adhoc server")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            conn.close()


def main() -> None:
    sig = getattr(signal, sys.argv[1])
    versions = {"werkzeug": version("werkzeug"), "cryptography": version("cryptography")}
    child.record("versions", versions)
    child.record("signal", sys.argv[1])
    folder = tempfile.gettempdir()
    before = set(os.listdir(folder))
    port = child.free_port()
    report = os.path.abspath(LOADED)
    server = subprocess.Popen([sys.executable, SERVER, str(port), report])
    try:
        reply = fetch(server, port, time.monotonic() + 30)
        child.record("https", reply)
        made = {n for n in os.listdir(folder) if n.startswith("tmp")} - before
        child.record("files_while_serving", describe(folder, made))
        keys = loaded_keys(report)
        child.record("keys_loaded", keys)
        key = key_in(folder, keys)
        if key is not None:
            child.reached("key-loaded-from-inspected-temp-dir", "the server loaded its private "
                          "key from %s, inside the temp dir the probe lists" % key)
        served = reply["status"] == 200 and reply["adhoc"]
        if served:
            child.trigger("HTTPS GET served with the adhoc certificate, then %s" % sys.argv[1])
        server.send_signal(sig)
        code = server.wait(15)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    child.record("server_exit", code)
    left = {n for n in os.listdir(folder) if n.startswith("tmp")} - before
    child.record("left_after_exit", describe(folder, left))
    child.control("https-served-with-adhoc-certificate", served)
    # SIGTERM kills an unhandled Python process (-15); SIGINT unwinds and exits 0.
    child.control("server-ended-by-the-signal", code in (-sig, 0))


if __name__ == "__main__":
    main()
