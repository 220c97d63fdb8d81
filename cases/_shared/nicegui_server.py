"""A NiceGUI app served over HTTP on 127.0.0.1 and driven from inside, by a startup task that
requests its pages and shuts the app down: what nicegui-bind-registry's app check and
nicegui-leaflet-layer-links share.

Standard library only at import: NiceGUI is imported by ``serve()``, once the reproducer has
built its pages.
"""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.request
from typing import Awaitable, Callable, List


def get(port: int, path: str, timeout: float) -> int:
    """GET ``path`` from the app; its HTTP status."""
    url = "http://127.0.0.1:%d%s" % (port, path)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return int(response.status)


async def listening(port: int, timeout: float = 60.0) -> None:
    """Startup handlers run before uvicorn listens: wait until the port accepts connections."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


def serve(port: int, drive: Callable[[], Awaitable[None]], title: str) -> None:
    """Run the app on 127.0.0.1:``port`` (no reload, no browser); once it listens, await
    ``drive()``, then shut the app down, whatever ``drive`` did. NiceGUI only logs an exception
    of a startup task, so one raised by ``drive`` is raised again once the app has stopped: the
    run ends with a non-zero status and the traceback, not as a run whose trigger never ran."""
    from nicegui import app, ui

    failed: List[BaseException] = []

    async def startup() -> None:
        try:
            await listening(port)
            await drive()
        except Exception as exc:
            failed.append(exc)
            raise
        finally:
            app.shutdown()

    app.on_startup(startup)
    ui.run(host="127.0.0.1", port=port, reload=False, show=False, title=title)
    if failed:
        raise RuntimeError("the app's driver failed: %r" % failed[0]) from failed[0]
