"""Synthetic: a TemporaryDirectory dropped without cleanup (leak) or closed (clean)."""

import gc
import sys
import tempfile

from harness import child

with child.capture_warnings():
    folder = tempfile.TemporaryDirectory()
    if sys.argv[1] == "clean":
        folder.cleanup()
    del folder
    gc.collect()
child.trigger("dropped a TemporaryDirectory")
