"""Print our fix of pywebview #1688 as a unified diff against a release's own
``webview/platforms/edgechromium.py``: the file from an installed wheel, edited by
``patch.source_edit`` (the same change ``patch.py`` applies at run time).

    python fixes/pywebview-1688/make_diff.py PATH/TO/site-packages/webview/platforms/edgechromium.py
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
from pathlib import Path

NAME = "webview/platforms/edgechromium.py"


def _patch_module():
    spec = importlib.util.spec_from_file_location(
        "corpus_patch", Path(__file__).with_name("patch.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def diff(original: str) -> str:
    patched = _patch_module().source_edit(original)
    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        patched.splitlines(keepends=True),
        fromfile="a/" + NAME,
        tofile="b/" + NAME,
        n=3,
    )
    return "".join(lines)


if __name__ == "__main__":
    sys.stdout.write(diff(Path(sys.argv[1]).read_text(encoding="utf-8")))
