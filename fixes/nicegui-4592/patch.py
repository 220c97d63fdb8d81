"""Our fix for nicegui-4592 on NiceGUI 2.10.0-2.15.0: FilePersistentDict writes its file at once.

Up to 2.15.0, ``FilePersistentDict.backup()`` wraps the write in a coroutine and either parks it
as a startup handler (no loop running: ``app.reset()`` or a loop that never starts drops it,
"coroutine ... was never awaited", nothing written) or runs it as a lazy background task (the
loop's end cancels it mid-write: an empty file, and the write queued behind it is lost).

This patch replaces ``backup()`` by a synchronous, atomic write: serialise the dict with
NiceGUI's own ``json.dumps``, write ``<file>.tmp``, ``os.replace`` it over the file. No coroutine
exists, so none can be dropped, cancelled or reordered; a crash mid-write leaves the previous
file intact. Cost: each change blocks the event loop for one small file write (NiceGUI
already writes synchronously when no loop runs, from 2.16.0 on), and changes are no longer
coalesced.

Applied by ``harness/boot/sitecustomize.py`` before the reproducer runs, when NiceGUI is not
imported yet (and must not be: ``NICEGUI_STORAGE_PATH`` is read at import). So ``apply()``
installs an import hook that patches the module right after it is loaded.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from types import ModuleType
from typing import Any, Optional, Sequence

TARGET = "nicegui.persistence.file_persistent_dict"  # 2.10.0+; the class FilePersistentDict


def _write_now(self: Any) -> None:
    """Write the dict to its file now and atomically (replaces FilePersistentDict.backup)."""
    if not self.filepath.exists():
        if not self:
            return
        self.filepath.parent.mkdir(exist_ok=True)
    json = sys.modules[TARGET].json  # nicegui.json: the serialiser NiceGUI uses for this file
    tmp = self.filepath.with_name(self.filepath.name + ".tmp")
    tmp.write_text(json.dumps(self, indent=self.indent), encoding=self.encoding)
    os.replace(str(tmp), str(self.filepath))


def _patch(module: ModuleType) -> None:
    cls = getattr(module, "FilePersistentDict", None)
    if cls is None or not callable(getattr(cls, "backup", None)):
        raise RuntimeError("nicegui-4592 patch: %s has no FilePersistentDict.backup" % module.__name__)
    cls.backup = _write_now
    module.__dict__["_corpus_patched"] = True


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[ModuleType]:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        _patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Optional[Sequence[str]], target: Optional[ModuleType] = None
                  ) -> Optional[importlib.machinery.ModuleSpec]:
        if name != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader)
                return spec
        return None


def apply() -> None:
    if TARGET in sys.modules:
        _patch(sys.modules[TARGET])
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
