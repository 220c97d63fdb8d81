"""Our fix for the adhoc certificate files: delete them as soon as the context has loaded them.

``werkzeug.serving.generate_adhoc_ssl_context`` writes the generated certificate and private
key to two ``mkstemp`` files and removes them only through ``atexit``, so they stay in the temp
dir while the server runs and for good when it ends by a signal (SIGTERM, SIGKILL) or
``os._exit``. ``ssl.SSLContext.load_cert_chain`` reads both files when it is called; nothing
needs them afterwards. The replacement below is the source change in UPSTREAM.md: same files,
same calls, removed in a ``finally`` right after ``load_ssl_context``.

Applied when ``werkzeug.serving`` is imported (an import hook); ``BaseWSGIServer`` looks the
function up in the module at call time, so replacing the module attribute is enough.
"""
from __future__ import annotations

import os
import tempfile
from types import ModuleType
from typing import Any

from harness.child import patch_on_import

TARGET = "werkzeug.serving"
MARK = "_corpus_adhoc_files"


def _patch(serving: ModuleType) -> None:
    if getattr(serving.generate_adhoc_ssl_context, MARK, False):
        return

    def generate_adhoc_ssl_context() -> Any:
        """Generates an adhoc SSL context for the development server."""
        from cryptography.hazmat.primitives import serialization

        cert, pkey = serving.generate_adhoc_ssl_pair()
        cert_handle, cert_file = tempfile.mkstemp()
        pkey_handle, pkey_file = tempfile.mkstemp()
        try:
            os.write(cert_handle, cert.public_bytes(serialization.Encoding.PEM))
            os.write(
                pkey_handle,
                pkey.private_bytes(
                    encoding=serialization.Encoding.PEM,
                    format=serialization.PrivateFormat.TraditionalOpenSSL,
                    encryption_algorithm=serialization.NoEncryption(),
                ),
            )
            os.close(cert_handle)
            os.close(pkey_handle)
            return serving.load_ssl_context(cert_file, pkey_file)
        finally:
            os.remove(pkey_file)
            os.remove(cert_file)

    setattr(generate_adhoc_ssl_context, MARK, True)
    serving.generate_adhoc_ssl_context = generate_adhoc_ssl_context


def apply() -> None:
    """Patch ``TARGET`` now, or right after it is first imported."""
    patch_on_import(TARGET, _patch)
