"""Synthetic: files opened and kept open (leak) or closed (clean)."""

import os
import sys

from harness import child

before = child.open_fds()
files = [open(os.devnull) for _ in range(5)]  # noqa: SIM115  the leak under test
if sys.argv[1] == "clean":
    for handle in files:
        handle.close()
child.trigger("opened 5 files")
child.fds("files", before=before, after=child.open_fds())
