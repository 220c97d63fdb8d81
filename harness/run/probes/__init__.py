"""The probes cases pick by name. Importing this package registers all of them."""

from harness.run.probes import files, listeners, messages, objects, semaphores, threads  # noqa: F401  (registration)
from harness.run.probes.base import (
    CLEAN,
    ERROR,
    LEAK,
    PROBES,
    Finding,
    Observation,
    assess,
    blinding,
    validate,
)

__all__ = [
    "CLEAN",
    "ERROR",
    "LEAK",
    "PROBES",
    "Finding",
    "Observation",
    "assess",
    "blinding",
    "validate",
]
