"""A disk for the shutdown checks of nicegui-4592 that never races: the loop's default executor,
running every file call in the loop's own thread at a point fixed by the order of callbacks.

Standard library only (tests load it without NiceGUI).
"""
from __future__ import annotations

import asyncio
import linecache
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, List, Set, Tuple


class Disk(ThreadPoolExecutor):
    """The loop's default executor in the scenario (aiofiles, and ``asyncio.to_thread`` in 3.17+,
    run their file calls here). Every job runs in the loop's own thread, at a point fixed by the
    loop's order of callbacks, so nothing races (a ThreadPoolExecutor only because asyncio 3.11+
    accepts no other; it never starts a thread).

    ``fast``: a job completes the moment it is submitted, as on a disk quicker than any
    cancellation. ``slow``: once the first backup has taken its snapshot (``hold``), a job waits
    until the shutdown has decided about the task that submitted it: it runs when the shutdown is
    found waiting for tasks among which its task already was (``decide``), and is dropped if its
    task was cancelled first, as on a disk slower than the loop.
    """

    def __init__(self, slow: bool) -> None:
        super().__init__(max_workers=1)
        self.slow = slow
        self.holding = False
        self.held: List[Tuple[Any, Callable[..., Any], Any, Any, Future]] = []
        self.decided: Set[Any] = set()
        self.counts = {"ran": 0, "dropped": 0, "decisions": 0}

    def hold(self) -> None:
        self.holding = self.slow

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[override]
        future: Future = Future()
        owner = current_task()
        if self.holding and owner not in self.decided:
            self.held.append((owner, fn, args, kwargs, future))
            future.add_done_callback(self._dropped)
        else:
            self._run(fn, args, kwargs, future)
        return future

    def _run(self, fn: Callable[..., Any], args: Any, kwargs: Any, future: Future) -> None:
        if not future.set_running_or_notify_cancel():
            self.counts["dropped"] += 1
            return
        self.counts["ran"] += 1
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the awaiting task, as a worker thread would
            future.set_exception(exc)

    def _dropped(self, future: Future) -> None:
        """A held job whose task was cancelled never runs; the task's clean-up calls that
        follow (closing the file) run at once: the shutdown has decided about that task."""
        for job in self.held:
            if job[4] is future and future.cancelled():
                self.held.remove(job)
                self.counts["dropped"] += 1
                self.decided.add(job[0])
                return

    def decide(self, tasks: Set[Any]) -> None:
        """The shutdown now waits for ``tasks``: their held jobs run, cancelled ones are dropped."""
        self.counts["decisions"] += 1
        self.decided |= set(tasks)
        self.settle()

    def settle(self) -> None:
        waiting = []
        for job in self.held:
            owner, fn, args, kwargs, future = job
            if future.cancelled() or owner in self.decided:
                self._run(fn, args, kwargs, future)
            else:
                waiting.append(job)
        self.held = waiting


def current_task() -> Any:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop
        return None


def awaits_gather(task: Any) -> bool:
    """Whether ``task`` is suspended on a line that awaits ``asyncio.gather`` (teardown's wait
    for the tasks it did not cancel), looked up along its chain of awaited coroutines."""
    coro = task.get_coro()
    while coro is not None and getattr(coro, "cr_frame", None) is not None:
        frame = coro.cr_frame
        if "gather(" in linecache.getline(frame.f_code.co_filename, frame.f_lineno):
            return True
        coro = getattr(coro, "cr_await", None)
    return False


async def watch(shutdown: Any, disk: Disk) -> None:
    """The slow disk's clock: each time the shutdown starts waiting on a gather, the tasks alive
    then are decided; held jobs of decided tasks run, cancelled ones are dropped."""
    waiting = False
    while not shutdown.done():
        now = awaits_gather(shutdown)
        if now and not waiting:
            disk.decide(asyncio.all_tasks())
        else:
            disk.settle()
        waiting = now
        await asyncio.sleep(0)
    disk.settle()
