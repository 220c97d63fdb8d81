"""listeners_left: listening sockets (TCP in LISTEN, bound UDP) still open after the cleanup.

Reads what ``child.listeners_left(label)`` recorded: the process's listening sockets before the
block and after it. The after snapshot must show the canary listener the child opens on
127.0.0.1 just before taking it (its port is recorded as ``canary``): without it the snapshot
was not taken live in this run, and an empty one proves nothing.
"""

from __future__ import annotations

from collections import Counter

from harness.child import CANARY_HOST
from harness.run.probes.base import (
    CLEAN,
    ERROR,
    LEAK,
    Finding,
    Observation,
    blind_child,
    labelled,
    missing,
    register,
    snapshots,
)
from harness.text import counted


def listeners_left(observation: Observation, label: str) -> Finding:
    """Listening sockets open after the block beyond those open before it (a socket is its
    family, tcp or udp, address and port), the canary left out: a leak when there is one."""
    record = labelled(observation, "listeners", label)
    if record is None:
        return missing("listeners", label, "child.listeners_left()")
    taken = snapshots(record, "family", "type", "address", "port")
    if taken is None:
        return Finding(
            ERROR,
            f"listeners evidence {label!r} lacks 'before'/'after' lists of sockets with a "
            "family, type, address and port",
            record,
        )
    before, after = taken
    canary: tuple[object, ...] = ("AF_INET", "tcp", CANARY_HOST, record.get("canary"))
    seen: Counter[tuple[object, ...]] = Counter(after)
    new = seen - Counter[tuple[object, ...]](before) - Counter([canary])
    left = sorted(f"{kind} {address} port {port}" for _, kind, address, port in new.elements())
    data = {"count": len(left), "left": left[:50], "canary": canary in after}
    if canary not in after:
        return Finding(
            ERROR,
            f"no canary listener after the cleanup ({label}): the snapshot was not taken live "
            "in this run (channel dead)",
            data,
        )
    if left:
        return Finding(
            LEAK,
            f"{counted(len(left), 'listening socket')} left open after cleanup ({label}): "
            + ", ".join(left),
            data,
        )
    return Finding(
        CLEAN, f"no listening socket left open after cleanup ({label}; canary seen)", data
    )


register("listeners_left", listeners_left, blind=blind_child("listeners"))
