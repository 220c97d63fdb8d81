"""The fix a widely read write-up of #4592 describes, applied to NiceGUI 2.10.0-2.15.0 to see
what it does on the reported release (2.13.0). Not a fix we recommend (see README.md).

As described there: "cancel the previous same-named task before creating a new one, and wait
for the backups at shutdown". Our own reading of it, in two changes:

- ``background_tasks.create_lazy(coroutine, name)`` cancels the task of that name that is still
  running and starts the new coroutine at once (nothing waits in a queue);
- the lifespan's shutdown (``nicegui.nicegui._shutdown``) first waits for the backup tasks still
  running, then runs as before.

It leaves ``FilePersistentDict.backup()`` alone, so a change made while no loop runs is still
parked as a startup handler that ``app.reset()`` drops (the reported warning).
"""
from __future__ import annotations

import asyncio
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any, Awaitable, Callable, Dict, Optional, Sequence

MARK = "_corpus_writeup_fix"


def _fix_background_tasks(module: ModuleType) -> None:
    running: Dict[str, Any] = module.lazy_tasks_running
    create = module.create

    def create_lazy(coroutine: Awaitable, *, name: str) -> None:
        previous = running.get(name)
        if previous is not None and not previous.done():
            previous.cancel()
        task = create(coroutine, name=name)
        running[name] = task

        def forget(_: Any) -> None:
            if running.get(name) is task:
                del running[name]

        task.add_done_callback(forget)

    module.create_lazy = create_lazy
    setattr(module, MARK, True)


def _fix_shutdown(module: ModuleType) -> None:
    shutdown: Callable[[], Awaitable[None]] = module._shutdown
    running: Dict[str, Any] = sys.modules["nicegui.background_tasks"].lazy_tasks_running

    async def wait_then_shutdown() -> None:
        tasks = list(running.values())
        await asyncio.gather(*tasks, return_exceptions=True)
        await shutdown()

    module._shutdown = wait_then_shutdown
    setattr(module, MARK, True)


FIXES = {"nicegui.background_tasks": _fix_background_tasks, "nicegui.nicegui": _fix_shutdown}


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader, fix: Callable[[ModuleType], None]) -> None:
        self.inner = inner
        self.fix = fix

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[ModuleType]:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        self.fix(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Optional[Sequence[str]],
                  target: Optional[ModuleType] = None) -> Optional[importlib.machinery.ModuleSpec]:
        if name not in FIXES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader, FIXES[name])
                return spec
        return None


def apply() -> None:
    if any(name in sys.modules for name in FIXES):
        raise RuntimeError("the write-up's fix must be applied before NiceGUI is imported")
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
