"""Synthetic: reports whether the patch ran in this process."""

import os

from harness import child

child.trigger("ran")
child.callbacks("close", expected=1, ran=1 if os.environ.get("SYNTHETIC_PATCHED") else 0)
