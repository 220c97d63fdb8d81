"""Our fix (6.x, made and tested for 6.2.1): pywebview deletes exactly the TLS files that
``start(ssl=True)`` generated. One change fixes both pywebview ssl cases; it lives in
``cases/_shared/pywebview_tls_fix.py``."""

from cases._shared.pywebview_tls_fix import apply

__all__ = ["apply"]
