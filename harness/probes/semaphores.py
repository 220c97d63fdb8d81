"""The multiprocessing resource tracker's report of leaked semaphores.

The tracker prints after the process that leaked is gone, so only the stderr of a process
group read to EOF carries it; the cell runner reads it that way.
"""

from __future__ import annotations

import re

from .base import CLEAN, LEAK, Finding, Observation, probe

TRACKER = re.compile(r"There appear to be (\d+) leaked semaphore objects")


@probe("leaked_semaphores")
def leaked_semaphores(observation: Observation) -> Finding:
    lines = [line.strip() for line in observation.stderr.splitlines() if TRACKER.search(line)]
    count = sum(int(TRACKER.search(line).group(1)) for line in lines)  # type: ignore[union-attr]
    data = {"count": count, "lines": lines[:10]}
    if count:
        return Finding(LEAK, f"the resource tracker reported {count} leaked semaphores", data)
    return Finding(CLEAN, "the resource tracker reported no leaked semaphores", data)
