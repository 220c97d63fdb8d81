"""App-level workaround for nicegui-4131, for apps pinned to NiceGUI 1.2.16 - 2.15.0.

On those releases `import nicegui` creates two `multiprocessing.Queue`s (six semaphores).
When the process that imported NiceGUI is a spawn or forkserver child (uvicorn's `--reload`
worker), the semaphores are registered with multiprocessing's resource tracker; if the process
then dies by a signal, `os._exit` or `os.execv`, multiprocessing's exit handling never runs
and the tracker reports "There appear to be 6 leaked semaphore objects to clean up at
shutdown" (and only then unlinks them).

The workaround runs multiprocessing's pending finalizers (the ones with an exit priority, as
at a normal interpreter exit) from NiceGUI's shutdown hook, so the semaphores are released and
unregistered before the worker is killed by the re-raised signal.

Usage in the app module::

    from nicegui import app
    from workaround import release_multiprocessing_resources
    app.on_shutdown(release_multiprocessing_resources)

(or ``install(app)``). `multiprocessing.util._run_finalizers` is a private CPython function;
it has the same meaning on every Python from 3.8 to 3.14.
"""
from __future__ import annotations

import multiprocessing.util
from typing import Any


def release_multiprocessing_resources() -> None:
    """Run the finalizers that `multiprocessing` would run at a normal interpreter exit.

    Finalizers with an exit priority of 0 or more close queues and unlink (and unregister)
    the semaphores behind them. Call it only when the process is shutting down, after
    everything else that uses multiprocessing.
    """
    multiprocessing.util._run_finalizers(0)


def install(nicegui_app: Any) -> None:
    """Register the release with NiceGUI's shutdown hook (`app.on_shutdown`)."""
    nicegui_app.on_shutdown(release_multiprocessing_resources)
