"""nicegui-4592: a FilePersistentDict change that never reaches the disk.

Usage: ``python repro_storage.py reset`` or ``python repro_storage.py teardown slow|fast``

``reset`` (the reported scenario, issue #4592): create a ``FilePersistentDict`` (before 2.10.0:
``nicegui.storage.PersistentDict``), write a key while no event loop runs, call ``app.reset()``
(what NiceGUI's own pytest fixture does after each test) and ``gc.collect()``. Up to 2.15.0 the
write is parked as a ``backup()`` coroutine in the startup handlers; ``app.reset()`` drops it:
"coroutine 'FilePersistentDict.backup.<locals>.backup' was never awaited" and no file.

``teardown slow|fast`` (NiceGUI's shutdown path): inside a running loop, write a key (one
backup task in flight: it has taken its snapshot), write a second key (queued behind it), then
shut down the way the release does: ``await background_tasks.teardown()`` from 2.16.0 (PR #4641),
before that the lifespan's ``nicegui.nicegui._shutdown()``; the end of ``asyncio.run`` cancels
what is left, as uvicorn's does. File calls go through ``Disk``, the loop's executor, which runs
them in the loop's thread at points fixed by the order of callbacks, so no run races another:
with a ``slow`` disk a job waits until the shutdown has decided about its task (held, then run or
dropped), with a ``fast`` one it completes when submitted. A release whose backups are
synchronous (our patch) has nothing in flight and says so. Anything else (no backup in flight
at the second write, an unknown shutdown API) exits 3, never clean.

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
import importlib
import json
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from disk import Disk, current_task, watch  # this folder
from harness import child

BASE = Path(tempfile.gettempdir()) / "corpus-nicegui-4592"
STORAGE = BASE / "storage"  # NICEGUI_STORAGE_PATH: app.reset() deletes it
DATA = BASE / "data"
FILE = DATA / "storage-corpus.json"
os.environ["NICEGUI_STORAGE_PATH"] = str(STORAGE)  # before nicegui is imported


# The modules each fix of fixes/nicegui-4592 marks once applied (default: patch.py's).
PATCH_MARKS = {
    "writeup.py": [("nicegui.background_tasks", "_corpus_writeup_fix"), ("nicegui.nicegui", "_corpus_writeup_fix")],
}


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
        no_loop = not running_loop()
        if workaround:
            workaround.before_reset(app)
        app.reset()
        for _ in range(3):
            gc.collect()
        child.trigger("nicegui %s: key written with no loop running, app.reset(), gc.collect()" % VERSION)
    child.record("parked_backups_before_reset", parked)
    if no_loop and store.get("answer") == 42:
        child.reached("write-with-no-loop-then-reset", "FilePersistentDict took the write with "
                      "no event loop running (%d backups parked as startup handlers), then "
                      "app.reset() ran" % parked)
    return dict(store)


def running_loop() -> bool:
    """Whether an asyncio event loop runs in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def observe_snapshots(store: Any, disk: Disk, seen: Dict[str, Any]) -> Callable[[], None]:
    """Wrap the serialiser the release's FilePersistentDict calls (observation only: the result
    is unchanged): the first snapshot taken by a background task is noted, and from then on the
    slow disk holds its jobs. Returns a function that undoes the wrapping."""
    module = sys.modules[FilePersistentDict.__module__]
    owner: Any = module if callable(getattr(module, "dumps", None)) else getattr(module, "json", None)
    original = getattr(owner, "dumps", None)
    if not callable(original):
        fail("nicegui %s: cannot find the serialiser of %s" % (VERSION, module.__name__))

    def dumps(obj: Any, *args: Any, **kwargs: Any) -> Any:
        task = current_task()
        if obj is store and task is not None and task.get_name() != "corpus-scenario":
            seen.setdefault("snapshots", []).append(sorted(obj))
            disk.hold()
        return original(obj, *args, **kwargs)

    if owner is module:
        module.dumps = dumps  # type: ignore[attr-defined]
        return lambda: setattr(module, "dumps", original)
    proxy = types.ModuleType(owner.__name__)
    proxy.__dict__.update(owner.__dict__)
    proxy.dumps = dumps  # type: ignore[attr-defined]
    module.json = proxy  # type: ignore[attr-defined]
    return lambda: setattr(module, "json", owner)


def shutdown_path() -> Tuple[str, Callable[[], Any]]:
    """The release's own shutdown: teardown() from 2.16.0 (PR #4641, an app.stop handler),
    before that the lifespan's _shutdown() (app.stop() runs the handlers); asyncio.run's end
    then cancels what is left, as uvicorn's does."""
    teardown = getattr(background_tasks, "teardown", None)
    if teardown is not None:
        return "await background_tasks.teardown()", teardown
    if hasattr(background_tasks, "await_on_shutdown"):
        fail("nicegui %s has await_on_shutdown but no background_tasks.teardown" % VERSION)
    lifespan = importlib.import_module("nicegui.nicegui")
    shutdown = getattr(lifespan, "_shutdown", None)
    if shutdown is None:
        fail("nicegui %s has neither background_tasks.teardown nor nicegui._shutdown" % VERSION)
    return "await nicegui.nicegui._shutdown() (no teardown before 2.16.0)", shutdown


def check_teardown(workaround: Any, disk_kind: str) -> Dict[str, Any]:
    described, shutdown = shutdown_path()
    store = FilePersistentDict(FILE, encoding="utf-8")
    if workaround:
        workaround.track(store)
        workaround.install(app)
    disk = Disk(slow=disk_kind == "slow")
    seen: Dict[str, Any] = {"disk": disk_kind, "shutdown": described}
    undo = observe_snapshots(store, disk, seen)

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(disk)
        core.loop = loop
        store["first"] = 1  # starts a background backup (or writes synchronously)
        for _ in range(1000):  # until that backup has taken its snapshot (no timers, no threads)
            if seen.get("snapshots") or not background_tasks.lazy_tasks_running:
                break
            await asyncio.sleep(0)
        seen["in_flight"] = sorted(background_tasks.lazy_tasks_running)
        seen["snapshot_taken"] = bool(seen.get("snapshots"))
        store["second"] = 2  # queued behind the running backup, if one runs
        seen["queued"] = sorted(lazy_waiting())
        seen["synchronous"] = not seen["in_flight"] and read_disk() == dict(store)
        task = asyncio.ensure_future(shutdown())
        await asyncio.gather(task, watch(task, disk))

    try:
        with child.capture_warnings():
            asyncio.run(named(scenario()))  # like uvicorn: cancels leftover tasks at the end
            disk.shutdown(wait=True)
            core.loop = None
            for _ in range(3):
                gc.collect()
    finally:
        undo()
    seen["disk_jobs"] = dict(
        disk.counts,
        cancelled_while_held=sum(1 for job in disk.held if job[4].cancelled()),
        never_run=sum(1 for job in disk.held if not job[4].cancelled()),
    )
    child.record("shutdown", seen)
    if not seen["synchronous"] and not (seen["in_flight"] and seen["snapshot_taken"]):
        fail("nicegui %s: no backup in flight at the second write, and no synchronous write: %r" % (VERSION, seen))
    if seen["synchronous"]:
        state = "synchronous backups"
    else:  # the write-up's fix replaces the running backup instead of queueing the second one
        state = "a backup %s in flight, the second %s" % (
            seen["in_flight"], "queued" if seen["queued"] else "started in its place")
    child.reached("second-write-before-shutdown", "the second write came %s, then %s"
                  % ("after a synchronous backup" if seen["synchronous"]
                     else "while a background backup had taken its snapshot", described))
    child.trigger("nicegui %s, %s disk: two writes (%s), then %s" % (VERSION, disk_kind, state, described))
    return dict(store)


async def named(coro: Any) -> Any:
    """Run the scenario under a known task name (the snapshot observer skips it)."""
    task = asyncio.current_task()
    if task is not None:
        task.set_name("corpus-scenario")
    return await coro


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    disk_kind = sys.argv[2] if len(sys.argv) > 2 else ""
    if mode not in ("reset", "teardown") or (mode == "teardown") != (disk_kind in ("slow", "fast")):
        fail("usage: repro_storage.py reset | teardown slow|fast")
    if FilePersistentDict is None:
        fail("nicegui %s has neither FilePersistentDict nor storage.PersistentDict" % VERSION)
    DATA.mkdir(parents=True, exist_ok=True)
    child.record("nicegui", VERSION)
    patch = os.path.basename(os.environ.get("CORPUS_PATCH", ""))
    if patch:  # the fix must really be in place for a patched cell to count
        marks = PATCH_MARKS.get(patch, [(FilePersistentDict.__module__, "_corpus_patched")])
        child.control("patch-applied", all(getattr(sys.modules.get(name), mark, False) for name, mark in marks))
    workaround = child.workaround()
    expected: Optional[Dict[str, Any]] = None
    try:
        expected = check_reset(workaround) if mode == "reset" else check_teardown(workaround, disk_kind)
        child.state("disk", expected=expected, actual=read_disk())
    finally:
        child.record("files_left", listing())
        shutil.rmtree(str(BASE), ignore_errors=True)


if __name__ == "__main__":
    main()
