"""The multiprocessing resource tracker's report of leaked semaphores.

The tracker prints after the process that leaked is gone, so only the stderr of a process
group read to EOF carries it; the cell runner reads it that way. The process under test leaves
a shared-memory canary (``child.tracker_canary``): the tracker's report of it proves that the
tracker ran and that what it printed reached the harness.
"""

from __future__ import annotations

import re

from harness.run.probes.base import CLEAN, ERROR, LEAK, Finding, Observation, register

TRACKER = re.compile(r"There appear to be (\d+) leaked (\w+) objects")


def leaked_semaphores(observation: Observation) -> Finding:
    reports = [m for line in observation.stderr.splitlines() if (m := TRACKER.search(line))]
    count = sum(int(m.group(1)) for m in reports if m.group(2) == "semaphore")
    canary = sum(int(m.group(1)) for m in reports if m.group(2) == "shared_memory")
    data = {"count": count, "canary": canary, "lines": [m.string.strip() for m in reports][:10]}
    if not canary:
        return Finding(
            ERROR,
            "no tracker canary on stderr: the resource tracker did not run or its output "
            "did not reach the harness",
            data,
        )
    if count:
        return Finding(LEAK, f"the resource tracker reported {count} leaked semaphores", data)
    return Finding(
        CLEAN, "the resource tracker reported no leaked semaphores (its canary seen)", data
    )


register("leaked_semaphores", leaked_semaphores, blind={"PYTHONWARNINGS": "ignore"})
