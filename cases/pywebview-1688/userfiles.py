"""The user's own storage_path folder of every pywebview-1688 reproducer: made before the
window starts, with two files of the user's in it (named so that, in NTFS order, one comes before
WebView2's ``EBWebView`` folder and one after it), and what of it is left afterwards; and the
reproducers' one window."""

from __future__ import annotations

import os
import tempfile
from typing import Any, List

from harness import child

USER_FILES = ("app-settings.json", "user-notes.txt")


def make() -> str:
    """A storage folder of the user's, with the user's files in it."""
    folder = os.path.join(tempfile.mkdtemp(prefix="corpus-app-"), "storage")
    os.makedirs(folder)
    for name in USER_FILES:
        with open(os.path.join(folder, name), "w", encoding="utf-8") as out:
            out.write("the user's data\n")
    return folder


def kept(folder: str) -> List[str]:
    """The user's files still there."""
    return [name for name in USER_FILES if os.path.isfile(os.path.join(folder, name))]


def window() -> Any:
    """The window every reproducer opens (``webview`` is imported here, once the reproducer has
    set up its platform)."""
    import webview

    return webview.create_window("corpus pywebview-1688", html="<p>corpus</p>")


def reached(folder: str, while_open: Any) -> None:
    """The path: the user's files were in the storage folder while the window was open (what
    the window's closing must leave alone)."""
    if while_open == list(USER_FILES):
        child.reached("user-files-in-storage-path-while-open", "the window ran with "
                      "storage_path=%s holding the user's files %s" % (folder, ", ".join(USER_FILES)))


def judge(folder: str) -> None:
    """The verdict (``state_lost``, label ``user-files``): the user's files expected after exit,
    next to those still there."""
    child.state("user-files", list(USER_FILES), kept(folder))
