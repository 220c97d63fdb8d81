"""What a probe sees, what it answers, and the registry that cases pick probes from.

Every probe registers with the way its channel is switched off for a blinded run (``blind``:
environment variables the run gets; ``{cell}`` stands for the run's private folder). A
blinded run must come out ``error``: a probe whose channel is dead never reads as clean.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The child's switch for in-process channels: evidence keys it must not record. Defined by the
# child (standard library only, importable on its own), as runner.py takes its variables.
from harness.child import BLIND_ENV
from harness.outcomes import Outcome

LEAK, CLEAN, ERROR = Outcome.LEAK, Outcome.CLEAN, Outcome.ERROR


@dataclass(frozen=True)
class Observation:
    """One finished run of a reproducer, as the probes see it."""

    evidence: dict[str, Any]
    stdout: str = ""
    stderr: str = ""
    leftovers: tuple[str, ...] = ()  # entries left in the run's private temp dir


@dataclass(frozen=True)
class Finding:
    outcome: Outcome  # LEAK, CLEAN or ERROR (the evidence the probe needs is missing)
    summary: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """The finding as evidence: the probe's data, then its own outcome and summary (the
        reproducer's data can never overwrite them)."""
        return {**self.data, "outcome": self.outcome, "summary": self.summary}


Probe = Callable[..., Finding]


@dataclass(frozen=True)
class Registered:
    func: Probe
    blind: dict[str, str]


PROBES: dict[str, Registered] = {}


def register(name: str, func: Probe, blind: dict[str, str]) -> None:
    """Register func as the probe ``name``; its keyword parameters are what case.toml may set;
    ``blind`` is the environment that switches its channel off. Called after the definition,
    not as a decorator: mutmut leaves decorated functions unmutated."""
    PROBES[name] = Registered(func, dict(blind))


def blind_child(*keys: str) -> dict[str, str]:
    """The blinding of a probe that reads what the reproducer records under ``keys``."""
    return {BLIND_ENV: ",".join(keys)}


def validate(name: str, params: dict[str, Any]) -> None:
    """Raise ValueError naming the problem if name or params do not fit a registered probe."""
    if name not in PROBES:
        raise ValueError(f"unknown probe {name!r} (known: {', '.join(sorted(PROBES))})")
    signature = inspect.signature(PROBES[name].func)
    try:
        signature.bind(Observation({}), **params)
    except TypeError as exc:
        raise ValueError(f"probe {name!r}: {exc}") from None


def assess(name: str, observation: Observation, params: dict[str, Any]) -> Finding:
    return PROBES[name].func(observation, **params)


def blinding(names: list[str]) -> dict[str, str]:
    """The environment of a run blinded on the probes ``names`` (channels merged)."""
    env: dict[str, str] = {}
    for name in names:
        for key, value in PROBES[name].blind.items():
            if key == BLIND_ENV and env.get(key):
                value = f"{env[key]},{value}"
            env[key] = value
    return env


def labelled(observation: Observation, key: str, label: str) -> dict[str, Any] | None:
    """The reproducer's record ``evidence[key][label]``, or None when it recorded none."""
    value = observation.evidence.get(key)
    if isinstance(value, dict) and isinstance(value.get(label), dict):
        found: dict[str, Any] = value[label]
        return found
    return None


def missing(key: str, label: str, call: str) -> Finding:
    return Finding(
        ERROR, f"no {key} evidence labelled {label!r}: the reproducer never called {call}"
    )


def snapshots(
    record: dict[str, Any], *fields: str
) -> tuple[list[tuple[str | int, ...]], list[tuple[str | int, ...]]] | None:
    """The record's ``before`` and ``after`` snapshots, each entry as the tuple of its
    ``fields``; None unless both are lists of entries that give every field as text or a whole
    number."""
    taken: list[list[tuple[str | int, ...]]] = []
    for key in ("before", "after"):
        entries = record.get(key)
        if not isinstance(entries, list):
            return None
        rows = []
        for entry in entries:
            if not isinstance(entry, dict):
                return None
            values = tuple(entry.get(name) for name in fields)
            given = tuple(value for value in values if isinstance(value, (str, int)))
            if len(given) != len(values):
                return None
            rows.append(given)
        taken.append(rows)
    return taken[0], taken[1]
