"""Our fix for nicegui-4131: no multiprocessing semaphores at `import nicegui`.

On NiceGUI 1.2.16 - 2.15.0 two module-level statements create named semaphores while NiceGUI
is imported:

- `nicegui/native/native.py`: `method_queue` and `response_queue`, two `multiprocessing.Queue`s
  (3 semaphores each) that only native mode (`ui.run(native=True)`) ever uses;
- `nicegui/run.py`: `process_pool`, a `ProcessPoolExecutor` (its call and result queues hold
  5 more) that only `run.cpu_bound` uses.

In a spawn or forkserver process (uvicorn's `--reload` worker) they are registered with the
resource tracker, which reports them as leaked when the process leaves without
multiprocessing's exit handling (a signal, `os._exit`, `os.execv`).

`apply()` must run before NiceGUI is imported (the harness calls it from sitecustomize). It
installs an import hook for those two modules that runs them unchanged except for the call
that creates the objects:

- the queues' `Queue()` calls give `None`; `activate()` (native mode's start) is wrapped to
  create the queues just before it hands them to the window process;
- `ProcessPoolExecutor()` gives a stand-in that creates the real pool when work is first
  submitted; `tear_down()` on a pool that was never needed does nothing.

Upstream's fix (PR #4653, 2.16.0) makes the same two objects lazy (queues in native mode, the
pool at startup); on 2.16.0 and later `apply()` installs nothing, and on a release that has
no such statement (or 2.10.0, which had the reverted PR #4132) the hook finds nothing to defer.
Cost: none outside native mode and `run.cpu_bound`; there the objects exist from first use.
"""
from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import contextlib
import functools
import importlib.abc
import importlib.machinery
import itertools
import multiprocessing
import sys
from types import ModuleType
from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple

NATIVE_PACKAGE = "nicegui.native"
NATIVE = "nicegui.native.native"
RUN = "nicegui.run"
_MISSING = object()


class _PoolOnFirstUse:
    """Stands in for `nicegui.run.process_pool` until something submits work to it."""

    def __init__(self, factory: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
        self._factory, self._args, self._kwargs = factory, args, kwargs
        self._pool: Any = None

    def _real(self) -> Any:
        if self._pool is None:
            self._pool = self._factory(*self._args, **self._kwargs)
        return self._pool

    @property
    def _processes(self) -> Any:  # read by tear_down(): a pool never created has no processes
        return {} if self._pool is None else self._pool._processes

    def shutdown(self, *args: Any, **kwargs: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # submit, map, ...
        return getattr(self._real(), name)


@contextlib.contextmanager
def _deferred(owner: ModuleType, name: str, real: Any, caller: str,
              stand_in: Callable[[Any, Tuple[Any, ...], Dict[str, Any]], Any]) -> Iterator[None]:
    """While the block runs, calls of `owner.name` made by module `caller` get `stand_in(...)`.

    Calls from any other module get the real object. Afterwards `owner.name` is restored,
    and so is every `from owner import name` binding made meanwhile.
    """
    class factory:  # a class, so that annotations such as `ProcessPoolExecutor | None` still work
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            if sys._getframe(1).f_globals.get("__name__") == caller:
                return stand_in(real, args, kwargs)
            return real(*args, **kwargs)

    before = owner.__dict__.get(name, _MISSING)
    already_loaded = set(sys.modules)
    setattr(owner, name, factory)
    try:
        yield
    finally:
        if before is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, before)
        for module_name in (set(sys.modules) - already_loaded) | {caller}:
            namespace = getattr(sys.modules.get(module_name), "__dict__", {})
            if namespace.get(name) is factory:
                namespace[name] = real


def _create_queues() -> None:
    """Give native mode its two queues, in the module and where `nicegui.native` re-exports them."""
    native, package = sys.modules[NATIVE], sys.modules[NATIVE_PACKAGE]
    for name in ("method_queue", "response_queue"):
        if getattr(native, name, None) is None:
            setattr(native, name, multiprocessing.Queue())
        setattr(package, name, getattr(native, name))


def _with_queues(activate: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(activate)
    def activate_with_queues(*args: Any, **kwargs: Any) -> Any:
        _create_queues()
        return activate(*args, **kwargs)

    return activate_with_queues


def _exec_native_package(loader: importlib.abc.Loader, module: ModuleType) -> None:
    """Runs `nicegui.native` (it imports `native` and `native_mode`) with the queues deferred."""
    with _deferred(multiprocessing, "Queue", multiprocessing.Queue, NATIVE, lambda real, a, k: None):
        loader.exec_module(module)
    native = sys.modules[NATIVE]
    if hasattr(native, "create_queues") or getattr(native, "method_queue", _MISSING) is not None:
        return  # a fixed release (2.16.0+), or one without the queues: nothing was deferred
    native_mode = sys.modules[NATIVE + "_mode"]
    native_mode.activate = _with_queues(native_mode.activate)  # type: ignore[attr-defined]
    module.activate = native_mode.activate  # type: ignore[attr-defined]  # ui_run calls this one


def _exec_run(loader: importlib.abc.Loader, module: ModuleType) -> None:
    """Runs `nicegui.run` with its process pool replaced by a stand-in created on first use."""
    real = concurrent.futures.process.ProcessPoolExecutor
    with _deferred(concurrent.futures, "ProcessPoolExecutor", real, RUN,
                   lambda real, a, k: _PoolOnFirstUse(real, a, k)):
        loader.exec_module(module)


_EXEC = {NATIVE_PACKAGE: _exec_native_package, RUN: _exec_run}


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, name: str) -> None:
        self._loader, self._name = loader, name

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, ...
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[ModuleType]:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        _EXEC[self._name](self._loader, module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Optional[Sequence[str]],
                  target: Optional[ModuleType] = None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname not in _EXEC:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader, fullname)
                return spec
        return None


def _release() -> Tuple[int, ...]:
    from importlib.metadata import version

    parts = []
    for part in version("nicegui").split("."):
        digits = "".join(itertools.takewhile(str.isdigit, part))
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def apply() -> None:
    if _release() >= (2, 16):
        return  # upstream's fix (PR #4653) is in: nothing is created at import
    if any(name in sys.modules for name in _EXEC):
        raise RuntimeError("nicegui was imported before the nicegui-4131 patch could be applied")
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
