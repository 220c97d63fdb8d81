"""Probes on what the reproducer measured in its own process: objects that survive
collection, retention that grows with the trigger, callbacks that never ran, state that was
not kept."""

from __future__ import annotations

import itertools

from harness.run.probes.base import (
    CLEAN,
    ERROR,
    LEAK,
    Finding,
    Observation,
    blind_child,
    labelled,
    missing,
    register,
)
from harness.text import counted


def gc_survivors(observation: Observation, label: str, at_least: int = 1) -> Finding:
    """Tracked objects still alive after ``gc.collect()``: a leak from ``at_least`` on."""
    counts = labelled(observation, "gc", label)
    if counts is None:
        return missing("gc", label, "child.Survivors().collect()")
    tracked, survived = counts.get("tracked", 0), counts.get("survived", 0)
    data = {**counts, "at_least": at_least}
    if not tracked:
        return Finding(ERROR, f"no object was tracked ({label}): nothing was dropped", data)
    if survived >= at_least:
        return Finding(LEAK, f"{survived} of {tracked} dropped objects survived ({label})", data)
    if survived:
        return Finding(
            CLEAN,
            f"{survived} of {tracked} dropped objects survived, fewer than the {at_least} "
            f"that count as a leak ({label})",
            data,
        )
    return Finding(CLEAN, f"all {tracked} dropped objects were collected ({label})", data)


def growth(observation: Observation, label: str, steps: int = 3) -> Finding:
    """Retention measured after growing numbers of triggers (after a warm-up), judged the way
    CPython's ``-R`` refleak runs and psutil's leak tests judge: a leak only when it grows at
    every step, never from one number over a threshold. A bounded cache stops growing and is
    clean; an unbounded registry grows at each step."""
    record = labelled(observation, "growth", label)
    if record is None:
        return missing("growth", label, "child.growth()")
    points = sorted((int(n), int(v)) for n, v in record.get("points", []))
    triggers = [n for n, _ in points]
    data = {"points": [list(p) for p in points], "steps": steps}
    if steps < 1:
        return Finding(ERROR, f"growth {label!r}: steps={steps}; at least 1 is needed", data)
    if len(set(triggers)) != len(triggers):
        return Finding(
            ERROR,
            f"growth {label!r}: trigger counts {triggers} repeat; {steps + 1} distinct ones "
            f"are needed to judge {counted(steps, 'step')}",
            data,
        )
    if len(points) < steps + 1:
        return Finding(
            ERROR,
            f"growth {label!r}: {len(points)} measurements; {steps + 1} at distinct trigger "
            f"counts are needed to judge {counted(steps, 'step')}",
            data,
        )
    per_trigger = [(v2 - v1) / (n2 - n1) for (n1, v1), (n2, v2) in itertools.pairwise(points)]
    data["per_trigger"] = [round(d, 3) for d in per_trigger]
    if all(d > 0 for d in per_trigger):
        return Finding(
            LEAK,
            f"{label}: retention grew at every step ({counted(len(per_trigger), 'step')}, "
            f"{per_trigger[-1]:.2f} per trigger at the last)",
            data,
        )
    flat = sum(d <= 0 for d in per_trigger)
    return Finding(
        CLEAN,
        f"{label}: retention did not grow at {flat} of {counted(len(per_trigger), 'step')} "
        f"({points[0][1]} -> {points[-1][1]})",
        data,
    )


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


register("gc_survivors", gc_survivors, blind=blind_child("gc"))
register("growth", growth, blind=blind_child("growth"))
register("callbacks_not_run", callbacks_not_run, blind=blind_child("callbacks"))
register("state_lost", state_lost, blind=blind_child("state"))
