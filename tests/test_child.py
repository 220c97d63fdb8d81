"""The reproducer's side: the one import hook that patch modules use; the snapshots of
threads and listening sockets, with their canaries."""

from __future__ import annotations

import collections
import contextlib
import socket
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest

from harness import child


@pytest.fixture
def target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "corpus_hook_target.py").write_text("value = 'original'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(child, "_on_import", {})
    yield "corpus_hook_target"
    sys.modules.pop("corpus_hook_target", None)


def fix(module: ModuleType) -> None:
    module.value = "patched"


def test_a_module_imported_later_is_patched_right_after_it_executes(target: str) -> None:
    child.patch_on_import(target, fix)
    child.patch_on_import(target, fix)  # idempotent: one hook, however many fixes
    assert sum(isinstance(f, child._PatchOnImport) for f in sys.meta_path) == 1
    module = __import__(target)
    assert module.value == "patched"


def test_a_module_already_imported_is_patched_at_once(target: str) -> None:
    module = __import__(target)
    child.patch_on_import(target, fix)
    assert module.value == "patched" and not child._on_import


@pytest.fixture
def evidence(monkeypatch: pytest.MonkeyPatch) -> dict:
    """What the child records in this process (no evidence file is written)."""
    monkeypatch.delenv(child.EVIDENCE_ENV, raising=False)
    monkeypatch.delenv(child.BLIND_ENV, raising=False)
    recorded: dict = {}
    monkeypatch.setattr(child, "_evidence", recorded)
    return recorded


def names(entries: list) -> list:
    return [entry["name"] for entry in entries]


def test_threads_left_waits_for_a_stopped_thread_and_shows_a_running_one(evidence: dict) -> None:
    stop, keep = threading.Event(), threading.Event()
    with child.threads_left("block"):
        threading.Thread(target=stop.wait, name="stopping", daemon=True).start()
        threading.Thread(target=keep.wait, name="running", daemon=True).start()
        threading.Timer(0.2, stop.set).start()  # ends after the block, within its settle
    keep.set()
    record = evidence["threads"]["block"]
    assert "stopping" not in names(record["after"]) and "running" in names(record["after"])
    assert names(record["after"]).count(child.THREAD_CANARY) == 1
    alive = [thread.name for thread in threading.enumerate()]
    assert child.THREAD_CANARY not in names(record["before"]) + alive
    assert {"name", "ident", "daemon"} == set(record["after"][0])


def entry(kind: str, port: int) -> dict:
    return {"family": "AF_INET", "type": kind, "address": "127.0.0.1", "port": port}


def test_listeners_left_shows_listening_and_bound_sockets_only(evidence: dict) -> None:
    with contextlib.ExitStack() as opened:
        with child.listeners_left("block", settle=0):
            server = opened.enter_context(socket.create_server(("127.0.0.1", 0)))
            udp = opened.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            udp.bind(("127.0.0.1", 0))
            connected = opened.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            connected.connect(udp.getsockname())
            opened.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))  # unbound
            opened.enter_context(socket.socket()).bind(("127.0.0.1", 0))  # bound, not listening
        ports = server.getsockname()[1], udp.getsockname()[1]
    record = evidence["listeners"]["block"]
    new = [e for e in record["after"] if e not in record["before"]]
    expected = [entry("tcp", ports[0]), entry("udp", ports[1]), entry("tcp", record["canary"])]
    assert sorted(new, key=repr) == sorted(expected, key=repr)


def test_listeners_left_closes_its_canary(evidence: dict) -> None:
    with child.listeners_left("block", settle=0):
        pass
    assert entry("tcp", evidence["listeners"]["block"]["canary"]) not in child._listening()


def test_listeners_left_waits_for_a_server_that_closes_late(evidence: dict) -> None:
    with child.listeners_left("block"):
        server = socket.create_server(("127.0.0.1", 0))
        port = server.getsockname()[1]
        threading.Timer(0.2, server.close).start()
    assert entry("tcp", port) not in evidence["listeners"]["block"]["after"]


@pytest.mark.parametrize("key", ["threads", "listeners"])
def test_a_blinded_snapshot_records_nothing(
    evidence: dict, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv(child.BLIND_ENV, key)
    with getattr(child, f"{key}_left")("block", settle=0):
        pass
    assert evidence == {}


@pytest.mark.parametrize("key", ["threads", "listeners"])
def test_a_block_that_raises_records_no_snapshot(evidence: dict, key: str) -> None:
    with pytest.raises(RuntimeError), getattr(child, f"{key}_left")("block", settle=0):
        raise RuntimeError("the trigger failed")
    assert evidence == {}


# psutil's connection record, as its fields are named
Connection = collections.namedtuple("Connection", "fd family type laddr raddr status")


class FakeProcess:
    """psutil.Process as psutil before 6.0 gives it: ``connections`` only."""

    def __init__(self, connections: list) -> None:
        self._connections = connections

    def connections(self, kind: str) -> list:
        assert kind == "inet"
        return self._connections


def test_listening_sockets_are_told_by_state_and_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    import psutil

    def conn(kind: int, laddr: tuple, raddr: tuple = (), status: str = "NONE") -> Connection:
        return Connection(3, socket.AF_INET6, kind, laddr, raddr, status)

    tcp, udp = socket.SOCK_STREAM, socket.SOCK_DGRAM
    found = [
        conn(tcp, ("::", 80), status=psutil.CONN_LISTEN),
        conn(tcp, ("::1", 81), ("::1", 5000), psutil.CONN_ESTABLISHED),
        conn(udp, ("::", 53)),
        conn(udp, ("::1", 54), ("::1", 9)),  # connected
        conn(udp, ("::", 0)),  # not bound to a port
        conn(udp, ()),  # no local address at all
    ]
    monkeypatch.setattr(psutil, "Process", lambda: FakeProcess(found))
    assert child._listening() == [
        {"family": "AF_INET6", "type": "tcp", "address": "::", "port": 80},
        {"family": "AF_INET6", "type": "udp", "address": "::", "port": 53},
    ]
