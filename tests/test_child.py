"""The reproducer's side: the one import hook that patch modules use."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from harness import child


@pytest.fixture
def target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "corpus_hook_target.py").write_text("value = 'original'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(child, "_on_import", {})
    yield "corpus_hook_target"
    sys.modules.pop("corpus_hook_target", None)


def fix(module: ModuleType) -> None:
    module.value = "patched"


def test_a_module_imported_later_is_patched_right_after_it_executes(target: str) -> None:
    child.patch_on_import(target, fix)
    child.patch_on_import(target, fix)  # idempotent: one hook, however many fixes
    assert sum(isinstance(f, child._PatchOnImport) for f in sys.meta_path) == 1
    module = __import__(target)
    assert module.value == "patched"


def test_a_module_already_imported_is_patched_at_once(target: str) -> None:
    module = __import__(target)
    child.patch_on_import(target, fix)
    assert module.value == "patched" and not child._on_import
