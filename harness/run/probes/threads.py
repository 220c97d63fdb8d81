"""threads_left: threads still alive after the cleanup should have run.

Reads what ``child.threads_left(label)`` recorded: the threads before the block and after it.
The after snapshot must show the canary thread the child starts just before taking it: without
it the snapshot was not taken live in this run, and an empty one proves nothing.
"""

from __future__ import annotations

import fnmatch

from harness.child import THREAD_CANARY
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


def threads_left(
    observation: Observation, label: str, tolerance: int = 0, ignore: str = ""
) -> Finding:
    """Threads alive after the block that were not before it (a thread is its name and ident),
    the canary and names matching the glob ``ignore`` left out: a leak when more than
    ``tolerance``."""
    record = labelled(observation, "threads", label)
    if record is None:
        return missing("threads", label, "child.threads_left()")
    taken = snapshots(record, "name", "ident")
    if taken is None:
        return Finding(
            ERROR,
            f"threads evidence {label!r} lacks 'before'/'after' lists of threads with a name "
            "and an ident",
            record,
        )
    before, after = taken
    canary = any(name == THREAD_CANARY for name, _ in after)
    new = [str(name) for name, ident in after if (name, ident) not in before]
    new = [name for name in new if name != THREAD_CANARY]
    ignored = sorted(name for name in new if ignore and fnmatch.fnmatchcase(name, ignore))
    left = sorted(name for name in new if name not in ignored)
    data = {
        "count": len(left),
        "left": left[:50],
        "ignored": ignored[:50],
        "ignore": ignore,
        "tolerance": tolerance,
        "canary": canary,
    }
    if not canary:
        return Finding(
            ERROR,
            f"no canary thread after the cleanup ({label}): the snapshot was not taken live "
            "in this run (channel dead)",
            data,
        )
    found = counted(len(left), "thread")
    if len(left) > tolerance:
        return Finding(
            LEAK,
            f"{found} left running after cleanup ({label}): {', '.join(sorted(set(left)))}",
            data,
        )
    return Finding(
        CLEAN, f"{found} left after cleanup, within {tolerance} ({label}; canary seen)", data
    )


register("threads_left", threads_left, blind=blind_child("threads"))
