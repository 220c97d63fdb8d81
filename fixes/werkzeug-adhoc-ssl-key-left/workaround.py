"""App-level workaround for the adhoc certificate files, for any Werkzeug release.

Instead of ``ssl_context="adhoc"``, pass an ``ssl.SSLContext`` built from the same kind of
throw-away certificate (Werkzeug's own ``generate_adhoc_ssl_pair``), written to a private
temporary directory that is removed as soon as the context has loaded it. Nothing is left on
disk while the server runs, nor after it is killed. (With ``flask run``: ``--cert`` and
``--key`` files you keep yourself, or ``app.run(ssl_context=ssl_context())``.)
"""
from __future__ import annotations

import os
import ssl
import tempfile


def ssl_context() -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate; its files are already gone."""
    from cryptography.hazmat.primitives import serialization
    from werkzeug.serving import generate_adhoc_ssl_pair, load_ssl_context

    cert, pkey = generate_adhoc_ssl_pair()
    with tempfile.TemporaryDirectory() as folder:
        cert_file = os.path.join(folder, "cert.pem")
        pkey_file = os.path.join(folder, "key.pem")
        with open(cert_file, "wb") as out:
            out.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(os.open(pkey_file, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as out:
            out.write(
                pkey.private_bytes(
                    encoding=serialization.Encoding.PEM,
                    format=serialization.PrivateFormat.TraditionalOpenSSL,
                    encryption_algorithm=serialization.NoEncryption(),
                )
            )
        return load_ssl_context(cert_file, pkey_file)
