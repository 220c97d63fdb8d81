"""Probes on what the reproducer measured in its own process: objects that survive
collection, callbacks that never ran, state that was not kept."""

from __future__ import annotations

from .base import CLEAN, ERROR, LEAK, Finding, Observation, labelled, missing, probe


@probe("gc_survivors")
def gc_survivors(observation: Observation, label: str, at_least: int = 1) -> Finding:
    """Tracked objects still alive after ``gc.collect()``: a leak from ``at_least`` on."""
    counts = labelled(observation, "gc", label)
    if counts is None:
        return missing("gc", label, "child.Survivors().collect()")
    tracked, survived = counts.get("tracked", 0), counts.get("survived", 0)
    if not tracked:
        return Finding(ERROR, f"no object was tracked ({label}): nothing was dropped", counts)
    if survived >= at_least:
        return Finding(LEAK, f"{survived} of {tracked} dropped objects survived ({label})", counts)
    return Finding(CLEAN, f"all {tracked} dropped objects were collected ({label})", counts)


@probe("callbacks_not_run")
def callbacks_not_run(observation: Observation, label: str) -> Finding:
    counts = labelled(observation, "callbacks", label)
    if counts is None:
        return missing("callbacks", label, "child.callbacks()")
    expected, ran = counts.get("expected", 0), counts.get("ran", 0)
    if not expected:
        return Finding(ERROR, f"no callback was registered ({label})", counts)
    if ran < expected:
        return Finding(
            LEAK, f"{expected - ran} of {expected} callbacks never ran ({label})", counts
        )
    return Finding(CLEAN, f"all {expected} callbacks ran ({label})", counts)


@probe("state_lost")
def state_lost(observation: Observation, label: str) -> Finding:
    """What should have been kept (``expected``) differs from what was (``actual``)."""
    values = labelled(observation, "state", label)
    if values is None:
        return missing("state", label, "child.state()")
    if values.get("actual") != values.get("expected"):
        return Finding(
            LEAK,
            f"{label}: kept {values.get('actual')!r}, expected {values.get('expected')!r}",
            values,
        )
    return Finding(CLEAN, f"{label}: everything kept", values)
