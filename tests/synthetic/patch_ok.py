"""Synthetic patch: marks the process so the reproducer can see it ran."""

import os


def apply() -> None:
    os.environ["SYNTHETIC_PATCHED"] = "1"
