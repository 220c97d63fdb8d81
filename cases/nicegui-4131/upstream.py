"""What the NiceGUI release under test has, from upstream facts (shared by the reproducers)."""
from __future__ import annotations

import re
from importlib.metadata import version
from typing import Optional, Tuple

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
