"""Synthetic: a backup coroutine dropped unawaited (leak) or awaited (clean). An unrelated
coroutine is dropped in both, and must not count."""

import asyncio
import gc
import sys

from harness import child


class PersistentDict:
    async def backup(self) -> None:
        await asyncio.sleep(0)


class Outbox:
    async def loop(self) -> None:
        await asyncio.sleep(0)


with child.capture_warnings():
    Outbox().loop()
    pending = PersistentDict().backup()
    if sys.argv[1] == "clean":
        asyncio.run(pending)
    del pending
    gc.collect()
child.trigger("created the backup coroutine")
