"""The deterministic disk of nicegui-4592's shutdown checks (cases/nicegui-4592/disk.py): fast
jobs complete when submitted, slow ones wait for the shutdown's decision about their task, and
a task cancelled first never gets its job run. No NiceGUI needed: the shutdown is a stand-in
that cancels one task and waits for another on a gather, as teardown() does."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import load_module

DISK = Path(__file__).resolve().parents[2] / "cases" / "nicegui-4592" / "disk.py"


def load() -> ModuleType:
    return load_module("nicegui_4592_disk", DISK)


disk_module = load()


def scenario(slow: bool) -> tuple[list[str], dict[str, int]]:
    """Two writers that hand their write to the disk after holding starts; a shutdown that
    cancels the first and waits for the second. Returns what was written, and the counts."""
    written: list[str] = []
    disk = disk_module.Disk(slow=slow)

    async def writer(text: str) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, written.append, text)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(disk)
        disk.hold()
        cancelled = asyncio.ensure_future(writer("cancelled"))
        kept = asyncio.ensure_future(writer("kept"))
        await asyncio.sleep(0)  # both have submitted their write

        async def shutdown() -> None:
            cancelled.cancel()
            await asyncio.sleep(0)
            await asyncio.gather(cancelled, kept, return_exceptions=True)

        task = asyncio.ensure_future(shutdown())
        await asyncio.gather(task, disk_module.watch(task, disk))

    asyncio.run(main())
    return written, disk.counts


def test_a_fast_disk_writes_at_once_so_a_later_cancel_comes_too_late() -> None:
    written, counts = scenario(slow=False)
    assert written == ["cancelled", "kept"]
    assert counts["dropped"] == 0


def test_a_slow_disk_drops_the_write_of_a_task_cancelled_before_the_shutdown_waits() -> None:
    written, counts = scenario(slow=True)
    assert written == ["kept"]
    assert counts == {"ran": 1, "dropped": 1, "decisions": 1}


@pytest.mark.parametrize("slow", [False, True])
def test_the_outcome_is_the_same_every_time(slow: bool) -> None:
    assert len({repr(scenario(slow)) for _ in range(20)}) == 1


def test_a_job_submitted_before_holding_runs_at_once() -> None:
    disk = disk_module.Disk(slow=True)
    future = disk.submit(lambda: 42)
    assert future.result(timeout=0) == 42
    assert not disk.held


def test_the_watch_sees_a_task_waiting_on_gather_only_there() -> None:
    seen: list[bool] = []

    async def main() -> None:
        gate = asyncio.Event()

        async def waits() -> None:
            await asyncio.sleep(0)
            await asyncio.gather(gate.wait())

        task = asyncio.ensure_future(waits())
        await asyncio.sleep(0)
        seen.append(disk_module.awaits_gather(task))  # on the sleep line
        await asyncio.sleep(0)
        seen.append(disk_module.awaits_gather(task))  # on the gather line
        gate.set()
        await task

    asyncio.run(main())
    assert seen == [False, True]
