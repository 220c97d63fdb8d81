"""Probes on files: entries left in the private temp dir, descriptors left open."""

from __future__ import annotations

import fnmatch

from .base import CLEAN, ERROR, LEAK, Finding, Observation, labelled, missing, probe


@probe("temp_leftovers")
def temp_leftovers(observation: Observation, glob: str = "*") -> Finding:
    """Entries matching ``glob`` that the run left in its private temp dir."""
    left = sorted(name for name in observation.leftovers if fnmatch.fnmatchcase(name, glob))
    others = sorted(set(observation.leftovers) - set(left))
    data = {"glob": glob, "count": len(left), "left": left[:50], "not_matched": others[:50]}
    if left:
        return Finding(LEAK, f"{len(left)} entries matching {glob!r} left in the temp dir", data)
    return Finding(CLEAN, f"no entry matching {glob!r} left in the temp dir", data)


@probe("open_fds")
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
    return Finding(CLEAN, f"descriptors back to {counts['after']} ({label})", data)
