"""Probes on files: entries left in the private temp dir, descriptors left open."""

from __future__ import annotations

import fnmatch

from harness.child import TEMP_CANARY
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
)
from harness.text import counted

# The run's temp dir is moved where the harness does not look.
TEMP_BLIND = dict.fromkeys(("TMPDIR", "TEMP", "TMP"), "{cell}/blind")


def temp_leftovers(observation: Observation, glob: str = "*") -> Finding:
    """Entries matching ``glob`` that the run left in its private temp dir.

    The process under test leaves a canary entry there (``child.trigger``): without it the
    temp dir the harness inspects is not the one the run used, and silence proves nothing.
    """
    canaries = [n for n in observation.leftovers if n.startswith(TEMP_CANARY)]
    entries = [n for n in observation.leftovers if not n.startswith(TEMP_CANARY)]
    left = sorted(n for n in entries if fnmatch.fnmatchcase(n, glob))
    others = sorted(set(entries) - set(left))
    data = {
        "glob": glob,
        "count": len(left),
        "left": left[:50],
        "not_matched": others[:50],
        "canary": bool(canaries),
    }
    if not canaries:
        return Finding(
            ERROR,
            "no temp-dir canary: the run's temp dir is not the one inspected (channel dead)",
            data,
        )
    if left:
        found = counted(len(left), "entry", "entries")
        return Finding(LEAK, f"{found} matching {glob!r} left in the temp dir", data)
    return Finding(CLEAN, f"no entry matching {glob!r} left in the temp dir (canary seen)", data)


def open_fds(observation: Observation, label: str, tolerance: int = 0) -> Finding:
    """Descriptors (or Windows handles) still open after the cleanup should have run."""
    counts = labelled(observation, "fds", label)
    if counts is None:
        return missing("fds", label, "child.fds()")
    try:
        grown = int(counts["after"]) - int(counts["before"])
    except (KeyError, TypeError, ValueError):
        return Finding(ERROR, f"fds evidence {label!r} lacks whole 'before'/'after' counts", counts)
    data = {**counts, "grown": grown, "tolerance": tolerance}
    if grown > tolerance:
        return Finding(LEAK, f"{grown} descriptors more after cleanup ({label})", data)
    return Finding(
        CLEAN,
        f"descriptors {counts['before']} -> {counts['after']}, within {tolerance} ({label})",
        data,
    )


register("temp_leftovers", temp_leftovers, blind=TEMP_BLIND)
register("open_fds", open_fds, blind=blind_child("fds"))
