"""Our fix for pywebview #1688, made for the newest release (6.2.1): in private mode,
``EdgeChrome.clear_user_data()`` deletes the WebView2 user data folder only when pywebview made
that folder itself (no ``storage_path``); a folder the app named is the app's and is kept.

Applied when ``webview.platforms.edgechromium`` is imported (it needs pythonnet, so it cannot be
patched eagerly). ``source_edit()`` is the same change as an edit of the module's source, from
which ``make_diff.py`` writes the unified diff of ``cases/pywebview-1688/UPSTREAM.md``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any, Optional, Sequence

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


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Optional[Sequence[str]], target: Any = None) -> Any:
        if name != TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_and_patch(module: ModuleType) -> None:
            exec_module(module)
            _patch(module)

        loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


def apply() -> None:
    """Install the import hook (idempotent)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
