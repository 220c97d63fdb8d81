"""What a probe sees, what it answers, and the registry that cases pick probes from."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

LEAK, CLEAN, ERROR = "leak", "clean", "error"


@dataclass(frozen=True)
class Observation:
    """One finished run of a reproducer, as the probes see it."""

    evidence: dict[str, Any]
    stdout: str = ""
    stderr: str = ""
    leftovers: tuple[str, ...] = ()  # entries left in the run's private temp dir


@dataclass(frozen=True)
class Finding:
    outcome: str  # LEAK, CLEAN or ERROR (the evidence the probe needs is missing)
    summary: str
    data: dict[str, Any] = field(default_factory=dict)


Probe = Callable[..., Finding]
PROBES: dict[str, Probe] = {}


def probe(name: str) -> Callable[[Probe], Probe]:
    """Register a probe under name; its keyword parameters are what case.toml may set."""

    def register(func: Probe) -> Probe:
        PROBES[name] = func
        return func

    return register


def validate(name: str, params: dict[str, Any]) -> None:
    """Raise ValueError naming the problem if name or params do not fit a registered probe."""
    if name not in PROBES:
        raise ValueError(f"unknown probe {name!r} (known: {', '.join(sorted(PROBES))})")
    signature = inspect.signature(PROBES[name])
    try:
        signature.bind(Observation({}), **params)
    except TypeError as exc:
        raise ValueError(f"probe {name!r}: {exc}") from None


def assess(name: str, observation: Observation, params: dict[str, Any]) -> Finding:
    return PROBES[name](observation, **params)


def labelled(observation: Observation, key: str, label: str) -> dict[str, Any] | None:
    """The reproducer's record ``evidence[key][label]``, or None when it recorded none."""
    value = observation.evidence.get(key)
    if isinstance(value, dict) and isinstance(value.get(label), dict):
        return value[label]
    return None


def missing(key: str, label: str, call: str) -> Finding:
    return Finding(
        ERROR, f"no {key} evidence labelled {label!r}: the reproducer never called {call}"
    )
