"""The write-up's fix of nicegui-4592 (fixes/nicegui-4592/writeup.py): create_lazy cancels the
running task of the same name and starts the new one at once; the lifespan's shutdown first
waits for the running ones. Checked on stand-ins of 2.13.0's modules (no NiceGUI needed)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import load_module

WRITEUP = Path(__file__).resolve().parents[2] / "fixes" / "nicegui-4592" / "writeup.py"


def load() -> ModuleType:
    return load_module("nicegui_4592_writeup", WRITEUP)


def background_tasks() -> ModuleType:
    module = ModuleType("nicegui.background_tasks")
    module.lazy_tasks_running = {}
    module.create = lambda coroutine, name: asyncio.get_running_loop().create_task(coroutine)
    return module


def test_a_new_backup_cancels_the_running_one_and_shutdown_waits_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writeup = load()
    tasks = background_tasks()
    monkeypatch.setitem(sys.modules, "nicegui.background_tasks", tasks)
    lifespan = ModuleType("nicegui.nicegui")
    log: list[str] = []

    async def shutdown() -> None:
        log.append("shutdown")

    lifespan._shutdown = shutdown
    writeup._fix_background_tasks(tasks)
    writeup._fix_shutdown(lifespan)

    async def backup(text: str) -> None:
        await asyncio.sleep(0.01)
        log.append(text)

    async def main() -> Any:
        tasks.create_lazy(backup("first"), name="file")
        first = tasks.lazy_tasks_running["file"]
        await asyncio.sleep(0)
        tasks.create_lazy(backup("second"), name="file")
        await lifespan._shutdown()
        return first

    first = asyncio.run(main())
    assert first.cancelled()
    assert log == ["second", "shutdown"]
    assert tasks.lazy_tasks_running == {}
