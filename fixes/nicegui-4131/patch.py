"""Our fix for nicegui-4131: create native mode's queues when native mode starts, not at import.

On NiceGUI 1.2.16 - 2.15.0, `nicegui/native/native.py` creates `method_queue` and
`response_queue` (two `multiprocessing.Queue`s, three semaphores each) while it is imported.
Every process that imports NiceGUI therefore owns six named semaphores; in a spawn or
forkserver process they are registered with the resource tracker, which reports them as
leaked when the process leaves without multiprocessing's exit handling (a signal, `os._exit`,
`os.execv`). Only native mode (`ui.run(native=True)`) ever uses the queues.

`apply()` must run before NiceGUI is imported (the harness calls it from sitecustomize). It
installs an import hook for the `nicegui.native` package that runs it with the two
module-level `Queue()` calls of `nicegui/native/native.py` answered by `None`, then wraps
`activate()` (native mode's start) so that it creates the queues right before it hands them to
the window process. Everything else runs unchanged. On releases that already defer the queues (2.16.0 and
later) the hook changes nothing.

Cost: none outside native mode; in native mode the queues exist from `activate()` on, as
before. Upstream's own fix (PR #4653, 2.16.0) also closes the queues when the window closes.
"""
from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import multiprocessing
import sys
from types import ModuleType
from typing import Any, Callable, Optional, Sequence

PACKAGE = "nicegui.native"
TARGET = "nicegui.native.native"


def _create_queues() -> None:
    """Give native mode its two queues, in the module and where `nicegui.native` re-exports them."""
    native = sys.modules[TARGET]
    package = sys.modules[PACKAGE]
    for name in ("method_queue", "response_queue"):
        if getattr(native, name, None) is None:
            setattr(native, name, multiprocessing.Queue())
        setattr(package, name, getattr(native, name))


def _wrap_activate(activate: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(activate)
    def activate_with_queues(*args: Any, **kwargs: Any) -> Any:
        _create_queues()
        return activate(*args, **kwargs)

    return activate_with_queues


class _Loader(importlib.abc.Loader):
    """Runs the `nicegui.native` package (which imports `native` and `native_mode`) with the
    module-level `Queue()` calls of `nicegui.native.native` answered by None, then wraps
    `activate` where NiceGUI looks it up (ui_run calls `nicegui.native.activate`)."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, ...
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[ModuleType]:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        real_queue = multiprocessing.Queue

        def queue_or_none(*args: Any, **kwargs: Any) -> Any:
            # Only the target module's own calls are deferred; any other module imported
            # meanwhile that makes a queue gets a real one.
            if sys._getframe(1).f_globals.get("__name__") == TARGET:
                return None
            return real_queue(*args, **kwargs)

        already_loaded = set(sys.modules)
        multiprocessing.Queue = queue_or_none  # type: ignore[assignment]
        try:
            self._loader.exec_module(module)
        finally:
            multiprocessing.Queue = real_queue  # type: ignore[assignment]
        for name in set(sys.modules) - already_loaded:  # `from multiprocessing import Queue`
            namespace = getattr(sys.modules[name], "__dict__", {})
            if namespace.get("Queue") is queue_or_none:
                namespace["Queue"] = real_queue
        native = sys.modules[TARGET]
        if hasattr(native, "create_queues") or getattr(native, "method_queue", 0) is not None:
            return  # a fixed release (2.16.0+): it never made queues at import; leave it alone
        native_mode = sys.modules[TARGET + "_mode"]
        native_mode.activate = _wrap_activate(native_mode.activate)  # type: ignore[attr-defined]
        module.activate = native_mode.activate  # type: ignore[attr-defined]


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Optional[Sequence[str]],
                  target: Optional[ModuleType] = None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname != PACKAGE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def apply() -> None:
    if PACKAGE in sys.modules:
        raise RuntimeError("nicegui was imported before the nicegui-4131 patch could be applied")
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
