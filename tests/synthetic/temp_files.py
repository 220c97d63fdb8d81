"""Synthetic: a temp dir left behind (leak) or removed (clean)."""

import sys
import tempfile

from harness import child

path = tempfile.mkdtemp(prefix="synthetic-")
child.trigger("made a temp dir")
if sys.argv[1] == "clean":
    import shutil

    shutil.rmtree(path)
