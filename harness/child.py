"""The reproducer's side of the harness: how a reproducer reports what it saw.

This module runs inside the cell's own environment, on every Python the corpus covers
(3.8 and later), next to whatever release of the upstream package the cell installed. So it
uses the standard library only (``open_fds`` and ``listeners_left`` need psutil, which a check
that uses the ``open_fds`` or ``listeners_left`` probe gets installed in its environment).

Every call writes the whole evidence document again, atomically, to the file named by
``CORPUS_EVIDENCE``: a reproducer that leaves by ``os._exit`` or a signal keeps what it had
recorded. The harness reads the file after the process group is gone and hands it to the
case's probes, which decide ``leak`` or ``clean``. Nothing here decides an outcome.

Conventions (the probes in ``harness/probes`` read these keys):

- ``trigger``: list of strings, proof that the leak's trigger ran. Without it a cell is an
  ``error``, never ``clean``.
- ``reached``: path name -> what showed it, proof that the trigger reached the code that
  leaks (the key file was loaded from the inspected temp dir, the body was spooled to a file).
  A check declares the names it needs (``reaches`` in case.toml); a run missing one is an
  ``error``, never ``clean``.
- ``controls``: name -> bool, built-in controls that must hold for the run to count (for
  instance: the HEAD request's callback did run).
- ``warnings``: warnings and unraisable exceptions seen while ``capture_warnings`` was active.
- ``gc`` / ``callbacks`` / ``fds`` / ``state`` / ``growth`` / ``threads`` / ``listeners``:
  label -> measurements, see each function.
- ``absent``: why this release has no such code path (the cell is ``absent``, never clean).

Canaries prove that a channel a probe reads was live in this very run: the first ``trigger``
leaves an entry ``corpus-canary-*`` in the process's temp dir (``temp_leftovers``), the end of
``capture_warnings`` raises a canary warning and drops a canary coroutine (``warnings``,
``never_awaited``), ``tracker_canary`` leaves a shared-memory block for the resource tracker
to report (``leaked_semaphores``), and ``threads_left`` and ``listeners_left`` start a thread
and open a listener that their after snapshots must show. A blinded run (``CORPUS_BLIND``)
switches a channel off: the child then records nothing under the named keys, and warnings are
ignored.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import socket
import sys
import tempfile
import threading
import time
import warnings
import weakref
from types import ModuleType
from typing import Any, Callable, Iterator

EVIDENCE_ENV = "CORPUS_EVIDENCE"
VARIANT_ENV = "CORPUS_VARIANT"
WORKAROUND_ENV = "CORPUS_WORKAROUND"
PATCH_ENV = "CORPUS_PATCH"
BLIND_ENV = "CORPUS_BLIND"
TEMP_CANARY = "corpus-canary-"
WARNING_CANARY = "corpus-canary: this warning proves the capture was live"
COROUTINE_CANARY = "corpus_canary"

_evidence: dict[str, Any] = {}
_canaries: list[Any] = []


def _save() -> None:
    path = os.environ.get(EVIDENCE_ENV)
    if not path:
        return
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".evidence-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(_evidence, out, default=repr)
    os.replace(tmp, path)


def record(key: str, value: Any) -> None:
    """Set ``evidence[key]`` to a JSON-serialisable value."""
    _evidence[key] = value
    _save()


def _blinded(key: str) -> bool:
    return key in os.environ.get(BLIND_ENV, "").split(",")


def _record_labelled(key: str, label: str, value: Any) -> None:
    if _blinded(key):
        return
    _evidence.setdefault(key, {})[label] = value
    _save()


def trigger(what: str) -> None:
    """Record proof that the trigger ran (say what ran, for the evidence).

    The first call leaves the temp-dir canary: an entry made through ``tempfile`` by this
    process, which the harness must find in the temp dir it inspects.
    """
    if "trigger" not in _evidence:
        fd, _ = tempfile.mkstemp(prefix=TEMP_CANARY)
        os.close(fd)
    _evidence.setdefault("trigger", []).append(what)
    _save()


def reached(name: str, what: str) -> None:
    """Record that the trigger reached the code that leaks, under the name the check declares
    in ``reaches`` (case.toml), with what showed it. Call it only once the reproducer has seen
    the path taken (a file where the probe looks, a body spooled to disk): a check whose run
    lacks a declared name is an error, as a missing canary is.
    """
    _evidence.setdefault("reached", {})[name] = what
    _save()


def assumption(name: str, assumed: str, source: str) -> None:
    """Record an assumption a simulation makes about the platform it stands in for, with its
    source (upstream code or vendor documentation): simulated evidence states what it rests on.
    """
    _record_labelled("assumptions", name, {"assumed": assumed, "source": source})


def absent(why: str) -> None:
    """Record that this release has no such code path: the trigger cannot exist here."""
    _evidence["absent"] = why
    _save()


def tracker_canary() -> None:
    """Leave one shared-memory block for the multiprocessing resource tracker to report and
    unlink: call it in the process whose semaphores are under test, before it leaves. The
    tracker's report of it proves the tracker ran and its output reached the harness."""
    from multiprocessing import shared_memory

    block = shared_memory.SharedMemory(create=True, size=16)
    _canaries.append(block)  # kept open: the process must leave without releasing it


def control(name: str, held: bool) -> None:
    """Record a built-in control; a control that did not hold makes the cell an error."""
    _record_labelled("controls", name, bool(held))


def callbacks(label: str, expected: int, ran: int) -> None:
    """Record how many cleanup callbacks were registered and how many ran."""
    _record_labelled("callbacks", label, {"expected": expected, "ran": ran})


def state(label: str, expected: Any, actual: Any) -> None:
    """Record a value that should have survived (in memory) next to what survived (on disk)."""
    _record_labelled("state", label, {"expected": expected, "actual": actual})


def open_fds() -> int:
    """Open file descriptors (POSIX) or handles (Windows) of this process, through psutil."""
    import psutil

    proc = psutil.Process()
    if sys.platform == "win32":
        return proc.num_handles()
    return proc.num_fds()


def fds(label: str, before: int, after: int) -> None:
    """Record the descriptor count before the trigger and after its cleanup should have run."""
    _record_labelled("fds", label, {"before": before, "after": after})


def growth(label: str, points: list[tuple[int, int]]) -> None:
    """Record what was retained (objects, descriptors, entries) after each number of triggers,
    measured after a warm-up: ``[(triggers, retained), ...]``."""
    _record_labelled("growth", label, {"points": [[int(n), int(v)] for n, v in points]})


class Survivors:
    """Counts tracked objects that are still alive after a full collection.

    Weak references, not ids: an id can be reused by a new object once the old one is gone.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self._refs: list[weakref.ref[Any]] = []
        self._finalized = 0

    def track(self, obj: Any) -> None:
        self._refs.append(weakref.ref(obj))
        weakref.finalize(obj, self._on_finalize)

    def _on_finalize(self) -> None:
        self._finalized += 1

    def collect(self) -> int:
        """Collect; record ``tracked``, ``survived`` and ``finalized``; return the survivors."""
        for _ in range(3):
            gc.collect()
        survived = sum(1 for ref in self._refs if ref() is not None)
        _record_labelled(
            "gc",
            self.label,
            {"tracked": len(self._refs), "survived": survived, "finalized": self._finalized},
        )
        return survived


@contextlib.contextmanager
def capture_warnings() -> Iterator[list[dict[str, str]]]:
    """Record every warning and unraisable exception raised inside the block.

    Warnings that arrive through a finaliser (a coroutine never awaited, an implicitly cleaned
    ``TemporaryDirectory``) may go through ``sys.unraisablehook`` instead of ``showwarning``,
    and ``-W error`` does not change the exit code for them: both paths are recorded.
    """
    seen: list[dict[str, str]] = _evidence.setdefault("warnings", [])
    previous_hook = sys.unraisablehook

    def on_unraisable(unraisable: Any) -> None:
        exc = unraisable.exc_value
        seen.append(
            {
                "via": "unraisable",
                "category": type(exc).__name__ if exc is not None else "",
                "message": str(exc) if exc is not None else str(unraisable.err_msg),
                "object": repr(unraisable.object)[:200],
            }
        )
        _save()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if _blinded("warnings") else "always")

        def on_warning(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: Any = None,
            line: Any = None,
        ) -> None:
            seen.append(
                {
                    "via": "warning",
                    "category": category.__name__,
                    "message": str(message),
                    "where": f"{filename}:{lineno}",
                }
            )
            _save()

        warnings.showwarning = on_warning
        sys.unraisablehook = on_unraisable
        try:
            yield seen
            _emit_canaries()
        finally:
            sys.unraisablehook = previous_hook
    _save()


async def corpus_canary() -> None:
    """Never awaited on purpose: the canary of the never-awaited channel."""


def _emit_canaries() -> None:
    """A warning and a never-awaited coroutine, raised after the code under test ran: if it
    changed the filters or the hooks, the probes see no canary and the run is an error."""
    warnings.warn(WARNING_CANARY, ResourceWarning)  # noqa: B028  (raised here, where it says)
    coroutine = corpus_canary()
    del coroutine
    gc.collect()


def variant() -> str:
    """The variant this cell runs (``affected``, ``patched``, ``workaround``, ...)."""
    return os.environ.get(VARIANT_ENV, "")


def _load(path: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workaround() -> ModuleType | None:
    """The app-level workaround of a ``workaround`` cell (``fixes/<case>/...``), else None."""
    path = os.environ.get(WORKAROUND_ENV)
    return _load(path, "corpus_workaround") if path else None


_on_import: dict[str, list[Callable[[ModuleType], None]]] = {}


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds a module as the path finder would and runs its fixes right after it executes."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        fixes = _on_import.get(fullname)
        if not fixes:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_fix(module: ModuleType) -> None:
            exec_module(module)
            for fix in fixes:
                fix(module)

        spec.loader.exec_module = exec_and_fix  # type: ignore[method-assign]
        return spec


def patch_on_import(target: str, fix: Callable[[ModuleType], None]) -> None:
    """Run ``fix`` on module ``target`` now if it is loaded, else right after it is first
    imported: the import hook a patch module's ``apply()`` uses (cases/README.md)."""
    if target in sys.modules:
        fix(sys.modules[target])
        return
    _on_import.setdefault(target, []).append(fix)
    if not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())


def apply_patch() -> None:
    """Apply the cell's fix, if any: called by ``harness/boot/sitecustomize.py`` in every
    Python process of the cell, so that workers the reproducer spawns are patched too.

    The mark ``patched`` is kept in memory and saved with the reproducer's next record: a
    worker process must not overwrite the reproducer's evidence file.
    """
    path = os.environ.get(PATCH_ENV)
    if path:
        _load(path, "corpus_patch").apply()
        _evidence["patched"] = os.path.basename(path)


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the corpus listens on loopback only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Threads and listening sockets left after a cleanup: ``threads_left`` and ``listeners_left``.
THREAD_CANARY = "corpus-canary-thread"
CANARY_HOST = "127.0.0.1"


def _threads() -> list[dict[str, Any]]:
    return [{"name": t.name, "ident": t.ident, "daemon": t.daemon} for t in threading.enumerate()]


def _listening() -> list[dict[str, Any]]:
    """This process's TCP sockets in LISTEN and its bound, unconnected UDP sockets (psutil)."""
    import psutil

    process = psutil.Process()
    # net_connections since psutil 6.0; connections, its old name, before
    connections = getattr(process, "net_connections", None) or process.connections
    found = []
    for conn in connections(kind="inet"):
        tcp = conn.type == socket.SOCK_STREAM
        if tcp:
            listening = conn.status == psutil.CONN_LISTEN
        else:  # bound to a port, connected to no peer
            listening = bool(conn.laddr) and bool(conn.laddr[1]) and not conn.raddr
        if listening:
            found.append(
                {
                    "family": socket.AddressFamily(conn.family).name,
                    "type": "tcp" if tcp else "udp",
                    "address": conn.laddr[0],
                    "port": conn.laddr[1],
                }
            )
    return found


def _settle(snapshot: Callable[[], list[dict[str, Any]]], before: list[Any], settle: float) -> None:
    """Wait up to ``settle`` seconds for whatever was not there before to go: a cleanup may
    signal a thread or a server and return before it has stopped."""
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline and any(e not in before for e in snapshot()):
        time.sleep(0.05)


@contextlib.contextmanager
def threads_left(label: str, settle: float = 1.0) -> Iterator[None]:
    """Record the threads alive (``threading.enumerate``: name, ident, daemon) before the block
    and after it, once those it started have had ``settle`` seconds to end; wrap the trigger
    and its cleanup. The after snapshot must show a canary thread started just before it (the
    ``threads_left`` probe errs without it); the canary is then stopped. The block must end
    normally: nothing is recorded otherwise."""
    before = _threads()
    yield
    _settle(_threads, before, settle)
    stop = threading.Event()
    canary = threading.Thread(target=stop.wait, name=THREAD_CANARY, daemon=True)
    canary.start()
    after = _threads()
    stop.set()
    canary.join()
    _record_labelled("threads", label, {"before": before, "after": after})


@contextlib.contextmanager
def listeners_left(label: str, settle: float = 1.0) -> Iterator[None]:
    """Record this process's listening sockets (family, tcp or udp, local address and port;
    needs psutil) before the block and after it, as ``threads_left`` does. The after snapshot
    must show a canary listener opened on 127.0.0.1 just before it (its port is recorded as
    ``canary``); it is closed afterwards."""
    before = _listening()
    yield
    _settle(_listening, before, settle)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as canary:
        canary.bind((CANARY_HOST, 0))
        canary.listen(1)
        after = _listening()
        port = canary.getsockname()[1]
    _record_labelled("listeners", label, {"before": before, "after": after, "canary": port})
