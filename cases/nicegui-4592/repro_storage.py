"""nicegui-4592: a FilePersistentDict change that never reaches the disk.

Usage: ``python repro_storage.py reset|teardown``

``reset`` (the reported scenario, issue #4592): create a ``FilePersistentDict`` (before 2.10.0:
``nicegui.storage.PersistentDict``), write a key while no event loop runs, call ``app.reset()``
(what NiceGUI's own pytest fixture does after each test) and ``gc.collect()``. Up to 2.15.0 the
write is parked as a ``backup()`` coroutine in the startup handlers; ``app.reset()`` drops it:
"coroutine 'FilePersistentDict.backup.<locals>.backup' was never awaited" and no file.

``teardown`` (NiceGUI's shutdown path): inside a running loop, write a key (one backup task in
flight: it has taken its snapshot, and a one-worker default executor holds its file write back,
as a slow disk would), write a second key (queued behind it), then shut down the way the release
does: ``await background_tasks.teardown()`` from 2.16.0 (PR #4641); before 2.16.0 there is no
teardown, so ``app.stop()`` runs and the loop's end (``asyncio.run``) cancels what is left. A
release whose backups are synchronous (our patch) has nothing in flight and says so. Anything
else (no backup in flight, nothing queued, an unknown shutdown API) exits 3, never clean.

Evidence: warnings and unraisable exceptions (``capture_warnings``: the ``never_awaited`` probe
matches the ``PersistentDict.backup`` coroutine by name), and ``state["disk"]``: the dict in
memory next to the JSON parsed from the file after the shutdown (``None`` if the file is
missing, ``""`` if it is empty, the raw text if it is not JSON).

The dict's file lives outside ``NICEGUI_STORAGE_PATH``: ``app.reset()`` deletes that folder, and
the comparison must be made after the reset. Both folders are private to TMPDIR and removed at
the end (their listing is recorded first).
"""
from __future__ import annotations

import asyncio
import gc
import json
import os
import shutil
import sys
import tempfile
import threading
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from harness import child

BASE = Path(tempfile.gettempdir()) / "corpus-nicegui-4592"
STORAGE = BASE / "storage"  # NICEGUI_STORAGE_PATH: app.reset() deletes it
DATA = BASE / "data"
FILE = DATA / "storage-corpus.json"
os.environ["NICEGUI_STORAGE_PATH"] = str(STORAGE)  # before nicegui is imported


def fail(message: str) -> None:
    """Leave loudly: a check that cannot run its trigger must never look clean."""
    child.record("failure", message)
    sys.stderr.write("nicegui-4592: %s\n" % message)
    sys.exit(3)


import nicegui  # noqa: E402
from nicegui import app, background_tasks, core  # noqa: E402

try:
    from nicegui.persistence.file_persistent_dict import FilePersistentDict  # 2.10.0+
except ImportError:
    try:
        from nicegui.storage import PersistentDict as FilePersistentDict  # type: ignore  # before 2.10.0
    except ImportError:
        FilePersistentDict = None  # type: ignore

VERSION = getattr(nicegui, "__version__", "?")


def read_disk() -> Any:
    """The file's content as JSON; None if missing, "" if empty, the raw text if not JSON."""
    if not FILE.exists():
        return None
    text = FILE.read_text(encoding="utf-8")
    if not text:
        return ""
    try:
        return json.loads(text)
    except ValueError:
        return text


def listing() -> Dict[str, int]:
    """Files left under our private folders, with their sizes."""
    return {str(p.relative_to(BASE)): p.stat().st_size for p in sorted(BASE.rglob("*")) if p.is_file()}


def parked_backups() -> int:
    """Backup coroutines parked as startup handlers (how <=2.15 defers a write with no loop)."""
    handlers: List[Any] = list(getattr(app, "_startup_handlers", []))
    return sum(1 for h in handlers if asyncio.iscoroutine(h) and "backup" in h.__qualname__)


def lazy_waiting() -> Dict[str, Any]:
    """The queue of backups waiting behind a running one (renamed in 2.16.0)."""
    waiting = getattr(background_tasks, "lazy_coroutines_waiting", None)
    if waiting is None:
        waiting = getattr(background_tasks, "lazy_tasks_waiting", {})
    return waiting


def check_reset(workaround: Any) -> Dict[str, Any]:
    with child.capture_warnings():
        store = FilePersistentDict(FILE, encoding="utf-8")
        if workaround:
            workaround.track(store)
        store["answer"] = 42  # no event loop is running
        parked = parked_backups()
        if workaround:
            workaround.before_reset(app)
        app.reset()
        for _ in range(3):
            gc.collect()
        child.trigger("nicegui %s: key written with no loop running, app.reset(), gc.collect()" % VERSION)
    child.record("parked_backups_before_reset", parked)
    return dict(store)


class SlowDisk(ThreadPoolExecutor):
    """The loop's default executor for the scenario: one worker, so a job can be held back.

    aiofiles (and ``asyncio.to_thread`` in 3.17+) run their file calls here. When the first
    background backup serialises its snapshot, ``hold()`` queues a job that waits for ``gate``:
    the backup's write is then still in flight, deterministically, as on a slow disk.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.gate = threading.Event()
        self.held = 0

    def hold(self) -> None:
        self.held += 1
        self.submit(self.gate.wait, 10)


def observe_snapshots(store: Any, disk: SlowDisk) -> Callable[[], None]:
    """Wrap the serialiser the release's FilePersistentDict calls (observation only: the result
    is unchanged) so the first snapshot taken by a background task holds the disk back.
    Returns a function that undoes the wrapping."""
    module = sys.modules[FilePersistentDict.__module__]
    owner: Any = module if callable(getattr(module, "dumps", None)) else getattr(module, "json", None)
    original = getattr(owner, "dumps", None)
    if not callable(original):
        fail("nicegui %s: cannot find the serialiser of %s" % (VERSION, module.__name__))

    def dumps(obj: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no running loop: a synchronous write
            task = None
        if obj is store and disk.held == 0 and task is not None and task.get_name() != "corpus-scenario":
            disk.hold()  # queued before the backup's own write job: the write waits for the gate
        return original(obj, *args, **kwargs)

    if owner is module:
        module.dumps = dumps  # type: ignore[attr-defined]
        return lambda: setattr(module, "dumps", original)
    proxy = types.ModuleType(owner.__name__)
    proxy.__dict__.update(owner.__dict__)
    proxy.dumps = dumps  # type: ignore[attr-defined]
    module.json = proxy  # type: ignore[attr-defined]
    return lambda: setattr(module, "json", owner)


def check_teardown(workaround: Any) -> Dict[str, Any]:
    teardown = getattr(background_tasks, "teardown", None)
    if teardown is None and hasattr(background_tasks, "await_on_shutdown"):
        fail("nicegui %s has await_on_shutdown but no background_tasks.teardown: unknown shutdown path" % VERSION)
    if teardown is None and not hasattr(app, "stop"):
        fail("nicegui %s has neither background_tasks.teardown nor app.stop" % VERSION)
    store = FilePersistentDict(FILE, encoding="utf-8")
    if workaround:
        workaround.track(store)
        workaround.install(app)
    disk = SlowDisk()
    undo = observe_snapshots(store, disk)
    seen: Dict[str, Any] = {}

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(disk)
        core.loop = loop
        store["first"] = 1  # starts a background backup (or writes synchronously)
        for _ in range(500):  # wait until that backup has taken its snapshot
            if disk.held or not background_tasks.lazy_tasks_running:
                break
            await asyncio.sleep(0.01)
        seen["in_flight"] = sorted(background_tasks.lazy_tasks_running)
        seen["snapshot_taken"] = bool(disk.held)
        store["second"] = 2  # queued behind the running backup, if one runs
        seen["queued"] = sorted(lazy_waiting())
        seen["synchronous"] = not seen["in_flight"] and read_disk() == dict(store)
        loop.call_soon(disk.gate.set)  # the disk catches up once shutdown has begun
        if teardown is not None:
            seen["shutdown"] = "await background_tasks.teardown()"
            await teardown()
        else:
            seen["shutdown"] = "app.stop(), then asyncio.run cancels what is left (no teardown before 2.16.0)"
            result = app.stop()
            if asyncio.iscoroutine(result):
                await result

    try:
        with child.capture_warnings():
            asyncio.run(named(scenario()))  # like uvicorn: cancels leftover tasks at the end
            disk.shutdown(wait=True)  # 3.8's asyncio.run does not join the executor
            core.loop = None
            for _ in range(3):
                gc.collect()
    finally:
        disk.gate.set()
        undo()
    child.record("shutdown", seen)
    if not seen["synchronous"] and not (seen["in_flight"] and seen["snapshot_taken"] and seen["queued"]):
        fail("nicegui %s: no backup in flight with one queued, and no synchronous write: %r" % (VERSION, seen))
    state = "a backup %s in flight and one queued" % seen["in_flight"] if seen["in_flight"] else "synchronous backups"
    child.trigger("nicegui %s: two writes (%s), then %s" % (VERSION, state, seen["shutdown"]))
    return dict(store)


async def named(coro: Any) -> Any:
    """Run the scenario under a known task name (the snapshot observer skips it)."""
    task = asyncio.current_task()
    if task is not None:
        task.set_name("corpus-scenario")
    return await coro


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in ("reset", "teardown"):
        fail("usage: repro_storage.py reset|teardown")
    if FilePersistentDict is None:
        fail("nicegui %s has neither FilePersistentDict nor storage.PersistentDict" % VERSION)
    DATA.mkdir(parents=True, exist_ok=True)
    child.record("nicegui", VERSION)
    if os.environ.get("CORPUS_PATCH"):  # the fix must really be in place for a patched cell to count
        module = sys.modules[FilePersistentDict.__module__]
        child.control("patch-applied", bool(getattr(module, "_corpus_patched", False)))
    workaround = child.workaround()
    expected: Optional[Dict[str, Any]] = None
    try:
        expected = check_reset(workaround) if mode == "reset" else check_teardown(workaround)
        child.state("disk", expected=expected, actual=read_disk())
    finally:
        child.record("files_left", listing())
        shutil.rmtree(str(BASE), ignore_errors=True)


if __name__ == "__main__":
    main()
