"""What the NiceGUI release under test has, from upstream facts (shared by the reproducers)."""
from __future__ import annotations

import re
import sys
from importlib.metadata import version
from typing import Optional, Tuple

from harness import child

FIRST_WITH_QUEUES = (1, 2, 16)
NO_QUEUES = (
    "NiceGUI %s predates 1.2.16: the module-level multiprocessing queues of native mode arrived "
    "with commit 717a40e9b (first released in 1.2.16) and the module-level process pool with "
    "commit 291a74435 (1.3.15), so importing this release creates no named semaphore"
)


def release(dist: str = "nicegui") -> Tuple[int, ...]:
    """The installed release of ``dist`` as a tuple of its leading numbers."""
    return tuple(int(part) for part in re.findall(r"\d+", version(dist))[:3])


def absent_reason() -> Optional[str]:
    """Why the installed NiceGUI has no such code path (before 1.2.16), else None."""
    if release() < FIRST_WITH_QUEUES:
        return NO_QUEUES % version("nicegui")
    return None


def record_versions(*dists: str) -> None:
    """Record the cell's Python, the installed release of each of ``dists`` and its variant."""
    child.record("python", sys.version.split()[0])
    for dist in dists:
        child.record(dist + "_version", version(dist))
    child.record("variant", child.variant())
