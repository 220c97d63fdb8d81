"""A real pywebview Qt window over TLS, offscreen on Linux: what the pywebview `ssl=True` cases
share (pywebview-ssl-user-key-deleted, pywebview-ssl-generated-key-left).

Call ``prepare()`` before ``import webview``: ``qt_offscreen()``, ``broken_release()`` and then
``qt_application()``. QtWebEngine draws with the offscreen platform (no X server); as root
Chromium needs its sandbox off (``pywebview_window.qt_offscreen``). It is also told to accept
the local server's self-signed certificate (``--ignore-certificate-errors``): pywebview's Qt
backend trusts that certificate through ``QSslConfiguration`` (``add_tls_cert``),
which QtWebEngine's Chromium network stack never reads, so without the flag the page is
Chromium's certificate error page. pywebview 5.4 and later append the same flag themselves when
``settings["IGNORE_SSL_ERRORS"]`` is set; 4.1-4.3.x overwrite the variable when they build a
window, so ``qt_application()`` starts Chromium (one throwaway page) while our flags are set.

Qt 6 on every release (``QT_API=pyqt6`` through qtpy, which pywebview's Qt backend uses from
4.0): the Qt 5 wheels that ``pywebview[qt]`` names up to 5.3.2 are built against OpenSSL 1.1,
and with OpenSSL 3 (Debian 12) their ``QSslCertificate.fromPath`` returns nothing, so
``add_tls_cert`` fails inside ``start(ssl=True)`` before any window opens. pywebview 4.x builds
``QApplication([])``, which QtWebEngine 6 refuses (empty argv): ``qt_application()`` builds the
application first, and pywebview takes ``QApplication.instance()``.

Standard library and ``harness.child`` only, but ``make_user_tls`` needs ``cryptography`` (the
checks require it).
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import inspect
import ipaddress
import os
import ssl
import sys
import urllib.request
from typing import Any, Callable, Dict, List, Optional, Tuple

from cases._shared import pywebview_window, server_death
from harness import child

MARKER = "corpus-tls-page"
PAGE = "<!doctype html><title>corpus</title><p id='marker'>%s</p>" % MARKER
# Read in the page by the window: the marker text, and the scheme the page came over.
PAGE_PROBE_JS = (
    "(document.getElementById('marker') || {}).textContent + ' ' + window.location.protocol"
)


def qt_offscreen() -> None:
    """Environment for a headless QtWebEngine window over TLS (before ``import webview``)."""
    pywebview_window.qt_offscreen(["--ignore-certificate-errors"], QT_API="pyqt6")


_keep: list = []  # the application and the throwaway page live as long as the process


def qt_application() -> None:
    """Build the QApplication and start QtWebEngine's Chromium with the flags set above."""
    from qtpy.QtWebEngineWidgets import QWebEnginePage
    from qtpy.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    _keep.extend([app, QWebEnginePage()])


QT5_ONLY = "QWebEngineSettings.LocalContentCanAccessFileUrls"  # 5.2: ...WebAttribute.Local...


def broken_release() -> Optional[str]:
    """Why this release's Qt backend cannot run here (a fault of the release), or None.

    Call it before ``qt_application()``: its message is then the run's only output.
    """
    spec = importlib.util.find_spec("webview.platforms")
    if spec is None:  # 4.2: published without the package (4.2.1 has it)
        return (
            "pywebview %s was published without its webview.platforms package: no GUI backend "
            "can load on any OS" % pywebview_window.version()
        )
    qt = os.path.join(list(spec.submodule_search_locations or [])[0], "qt.py")
    try:
        with open(qt, encoding="utf-8") as f:
            source = f.read()
        compile(source, qt, "exec")
    except SyntaxError as exc:  # 4.3-4.3.2: a quoted key inside a quoted string (4.3.3 fixed)
        return (
            "pywebview %s: webview/platforms/qt.py does not compile (SyntaxError line %s), so "
            "the Qt backend cannot load with any Python or Qt binding"
            % (pywebview_window.version(), exc.lineno)
        )
    if os.environ.get("QT_API") == "pyqt6" and QT5_ONLY in source:  # 5.0-5.1
        return (
            "pywebview %s: webview/platforms/qt.py uses the Qt 5 enum name %s, which PyQt6 "
            "lacks, and its Qt 5 binding cannot read a certificate with OpenSSL 3: no Qt window "
            "with ssl=True on this machine" % (pywebview_window.version(), QT5_ONLY)
        )
    return None


def has_ssl_parameter() -> bool:
    """Whether ``webview.start()`` takes ``ssl`` (PR #1039, first released in 4.1)."""
    import webview

    return "ssl" in inspect.signature(webview.start).parameters


def prepare() -> Optional[str]:
    """Qt set up for a TLS window, before ``import webview``: why this release cannot run
    (``broken_release()``, then the run's only output), or None once Chromium has started.
    From here, pywebview's server thread dying (webview/http.py) ends the run at once, with its
    traceback, instead of the window waiting out its load timeout."""
    server_death.watch_threads("webview/http.py")
    qt_offscreen()
    broken = broken_release()
    if broken is None:
        qt_application()
    return broken


def cannot_run(broken: Optional[str]) -> Optional[int]:
    """The exit status when this release cannot run a TLS check: 1 (no verdict) when its Qt
    backend is broken, said in a note; 0 after ``absent`` when ``start()`` has no ``ssl``
    (before 4.1); None when it can run."""
    if broken is not None:
        child.record("note", broken)
        sys.stderr.write(broken + "\n")
        return 1
    if not has_ssl_parameter():
        child.absent(
            "pywebview %s: webview.start() has no ssl parameter (PR #1039, first in 4.1)"
            % pywebview_window.version()
        )
        return 0
    return None


def look(window: Any, seen: Dict[str, Any]) -> None:
    """Wait for the window's page, then read it into ``seen``: "loaded", "page" (the marker
    and the scheme it came over) and "js" (a JavaScript round trip)."""
    seen["loaded"] = window.events.loaded.wait(pywebview_window.LOAD_TIMEOUT)
    seen["page"] = window.evaluate_js(PAGE_PROBE_JS)
    seen["js"] = window.evaluate_js("6 * 7")


def start(func: Callable[[], None], **kwargs: Any) -> bool:
    """``webview.start(func, gui="qt", ssl=True, **kwargs)`` through the cell's workaround;
    False when it raised (e.g. a 5.x Qt backend with Qt 5 enum names under PyQt6: no verdict),
    said in a note."""
    try:
        pywebview_window.start(func, gui="qt", ssl=True, **kwargs)
    except Exception as exc:
        child.record(
            "note", "pywebview %s: webview.start() raised %r" % (pywebview_window.version(), exc)
        )
        sys.stderr.write("webview.start() raised %r\n" % exc)
        return False
    return True


def write_page(folder: str) -> str:
    """The app's page (``folder/index.html``), a local URL pywebview serves itself."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(PAGE)
    return path


def make_user_tls(folder: str) -> Tuple[str, str]:
    """A user's own private key and self-signed certificate for 127.0.0.1 (key, cert)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    os.makedirs(folder, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    keyfile, certfile = os.path.join(folder, "server.key"), os.path.join(folder, "server.crt")
    with open(keyfile, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    with open(certfile, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return keyfile, certfile


def digests(paths: Dict[str, str]) -> Dict[str, Optional[str]]:
    """label -> sha256 of the file's bytes, or None where the file is gone."""
    found: Dict[str, Optional[str]] = {}
    for label, path in paths.items():
        try:
            with open(path, "rb") as f:
                found[label] = hashlib.sha256(f.read()).hexdigest()
        except FileNotFoundError:
            found[label] = None
    return found


def served_certificate(address: str) -> bytes:
    """The DER certificate the TLS server at ``https://host:port/`` presents."""
    host_port = address.split("://", 1)[1].strip("/")
    host, port = host_port.rsplit(":", 1)
    return ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate((host, int(port))))


def der_of(certfile_pem: bytes) -> bytes:
    return ssl.PEM_cert_to_DER_cert(certfile_pem.decode("ascii"))


def https_get(url: str, cadata: Optional[str] = None) -> bytes:
    """GET over TLS: verified against ``cadata`` (PEM) when given, else unverified."""
    context = ssl.create_default_context(cadata=cadata) if cadata else ssl.create_default_context()
    if not cadata:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(url, context=context, timeout=10) as response:
        return response.read()


def tls_files(folder: str) -> List[str]:
    """pywebview's generated key and certificate files in ``folder`` (the temp dir)."""
    return sorted(
        n
        for n in os.listdir(folder)
        if n.startswith(("keyfile_", "certfile_")) and n.endswith(".pem")
    )
