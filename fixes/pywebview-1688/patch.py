"""Our fix for pywebview #1688, made for the newest release (6.2.1): in private mode,
``EdgeChrome.clear_user_data()`` deletes the WebView2 user data folder only when pywebview made
that folder itself (no ``storage_path``); a folder the app named is the app's and is kept.

Applied when ``webview.platforms.edgechromium`` is imported (it needs pythonnet, so it cannot be
patched eagerly). ``source_edit()`` is the same change as an edit of the module's source, from
which ``make_diff.py`` writes the unified diff of ``cases/pywebview-1688/UPSTREAM.md``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from harness.child import patch_on_import

TARGET = "webview.platforms.edgechromium"
GUARD = "if not _state['private_mode']:"
# The line our edit puts in place of GUARD, and the comment above it.
FIXED = "if not _state['private_mode'] or _state['storage_path']:"
WHY = "# a storage_path is the app's folder: only a folder pywebview made itself is deleted"


def source_edit(text: str) -> str:
    """The module's source with our fix: the guard of ``clear_user_data`` also returns when a
    ``storage_path`` was given. Exactly one guard must be found."""
    head, sep, body = text.partition("def clear_user_data(self):")
    if not sep or body.count(GUARD) < 1:
        raise ValueError("no clear_user_data() guard to patch")
    before, _, after = body.partition(GUARD)
    indent = before[before.rfind("\n") + 1 :]
    return head + sep + before + WHY + "\n" + indent + FIXED + after


def _patch(module: ModuleType) -> None:
    chrome = module.EdgeChrome
    original = chrome.clear_user_data
    state = module._state

    def clear_user_data(self: Any) -> None:
        if state["storage_path"]:
            return
        original(self)

    chrome.clear_user_data = clear_user_data
    module.corpus_patched = True


def apply() -> None:
    """Patch ``TARGET`` now, or right after it is first imported."""
    patch_on_import(TARGET, _patch)
