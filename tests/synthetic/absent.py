"""Synthetic: a release without the code path (absent), or one that claims both (contradiction)."""

import sys

from harness import child

child.absent("this release has no such code path (synthetic)")
if sys.argv[1] == "contradiction":
    child.trigger("ran anyway")
