"""App-level workaround for nicegui-4592, for apps pinned to NiceGUI 2.15.0 (or 2.10.0-2.15.0).

NiceGUI itself is left alone. The app keeps a list of the persistent dicts it cares about and
writes them to disk itself, synchronously and atomically, at the two moments where 2.15.0 drops
its own pending write:

- ``before_reset(app)``: call it right before ``app.reset()`` (in a pytest fixture, say). It
  writes every tracked dict, then closes the ``backup()`` coroutines that 2.15.0 parked in the
  startup handlers while no loop ran: closed explicitly they are not "never awaited", and
  their data is already on disk.
- ``install(app)``: registers a synchronous ``app.on_shutdown`` handler. 2.15.0's ``app.stop()``
  runs synchronous handlers inline (asynchronous ones only become tasks, which the end of the
  loop cancels). The handler writes every tracked dict and discards the backups queued behind
  a running one, so none is started after the flush. A backup already in flight opened the
  old file before the flush; ``os.replace`` puts a new file in its place, so the cancelled
  write cannot empty it.

What it touches that is not public API: ``app._startup_handlers`` (a list in every 2.x) and
``nicegui.background_tasks.lazy_tasks_waiting`` (a module-level dict, renamed in 2.16.0).
Cost: one synchronous file write per tracked dict at reset and at shutdown.
"""
from __future__ import annotations

import asyncio
import os
from typing import Any, List

_tracked: List[Any] = []


def track(store: Any) -> None:
    """Protect this FilePersistentDict (``app.storage.general`` is one, for instance)."""
    _tracked.append(store)


def _write(store: Any) -> None:
    from nicegui import json

    if not store and not store.filepath.exists():
        return
    store.filepath.parent.mkdir(parents=True, exist_ok=True)
    tmp = store.filepath.with_name(store.filepath.name + ".flush")
    tmp.write_text(json.dumps(store, indent=store.indent), encoding=store.encoding)
    os.replace(str(tmp), str(store.filepath))


def flush() -> None:
    """Write every tracked dict now, and drop the backups queued behind a running one."""
    from nicegui import background_tasks

    waiting = getattr(background_tasks, "lazy_tasks_waiting", {})
    for store in _tracked:
        _write(store)
        queued = waiting.pop(store.filepath.stem, None)
        if asyncio.iscoroutine(queued):
            queued.close()


def before_reset(app: Any) -> None:
    """Call right before ``app.reset()``: flush, then close the parked backup coroutines."""
    flush()
    handlers = getattr(app, "_startup_handlers", [])
    for handler in list(handlers):
        if asyncio.iscoroutine(handler) and handler.__qualname__.endswith("backup.<locals>.backup"):
            handlers.remove(handler)
            handler.close()


def install(app: Any) -> None:
    """Register the flush as a synchronous shutdown handler (run inline by 2.15.0's app.stop())."""
    app.on_shutdown(flush)
