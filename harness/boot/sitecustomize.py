"""Applies the cell's patch in every Python process of a cell (the harness puts this folder
on ``PYTHONPATH``). A patch that fails to apply ends the process: ``site`` would otherwise
print the error and go on unpatched."""

import os
import sys
import traceback

if os.environ.get("CORPUS_PATCH"):
    try:
        from harness import child

        child.apply_patch()
    except BaseException:  # noqa: BLE001  any failure, even SystemExit: the cell must not run unpatched
        traceback.print_exc()
        sys.stderr.write(f"corpus: the patch {os.environ['CORPUS_PATCH']} failed to apply\n")
        sys.stderr.flush()
        os._exit(70)
