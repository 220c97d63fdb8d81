"""A private temp dir for everything a harness process and its tools start.

uv, pip and pytest write lock files and build folders to the temp dir; the corpus must leave
nothing in the machine's /tmp. Standard library only: the noxfile uses it too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")


@contextlib.contextmanager
def private_tmpdir(prefix: str = "leak-corpus-") -> Iterator[Path]:
    """Point TMPDIR (and TEMP, TMP) at a new private folder; remove it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    saved = {name: os.environ.get(name) for name in TEMP_VARIABLES}
    saved_tempdir = tempfile.tempdir
    os.environ.update({name: str(folder) for name in TEMP_VARIABLES})
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_tempdir
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)
