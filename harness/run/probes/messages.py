"""Probes on what a run said: warnings and unraisable exceptions, never-awaited coroutines.

Both read the capture of ``child.capture_warnings``, which ends by raising a canary warning and
dropping a canary coroutine: a capture whose filters or hooks were switched off by the code
under test (or by a blinded run) shows no canary, and the run is an error, not clean.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from harness.child import BLIND_ENV, COROUTINE_CANARY, WARNING_CANARY
from harness.run.probes.base import CLEAN, ERROR, LEAK, Finding, Observation, register

# Warnings ignored everywhere in the run, the capture included.
WARNINGS_BLIND = {BLIND_ENV: "warnings", "PYTHONWARNINGS": "ignore"}
NEVER_AWAITED = re.compile(r"coroutine '([^']+)' was never awaited")


def _recorded(observation: Observation) -> list[dict[str, Any]]:
    seen = observation.evidence.get("warnings")
    return [w for w in seen if isinstance(w, dict)] if isinstance(seen, list) else []


def warnings_seen(
    observation: Observation, category: str = "ResourceWarning", match: str = ""
) -> Finding:
    """Warnings of ``category`` whose text matches ``match``, recorded by capture_warnings.

    Unraisable exceptions of that category count too (a warning raised as an error inside a
    finaliser arrives that way).
    """
    pattern = re.compile(match)
    recorded = _recorded(observation)
    canary = any(w.get("message") == WARNING_CANARY for w in recorded)
    hits = [
        w
        for w in recorded
        if w.get("category") == category
        and w.get("message") != WARNING_CANARY
        and pattern.search(str(w.get("message", "")))
    ]
    data = {
        "category": category,
        "match": match,
        "count": len(hits),
        "seen": hits[:20],
        "canary": canary,
    }
    if not canary:
        return Finding(ERROR, "no canary warning: the warning capture was not live", data)
    if hits:
        return Finding(LEAK, f"{len(hits)} {category} matching {match!r}", data)
    return Finding(CLEAN, f"no {category} matching {match!r} (canary seen)", data)


def never_awaited(observation: Observation, name: str) -> Finding:
    """Coroutines whose qualified name matches ``name`` that were never awaited.

    Matched in the recorded warnings and on stderr, by name: a release may drop other,
    unrelated coroutines on the same path, and those must not count.
    """
    pattern = re.compile(name)
    texts = [str(w.get("message", "")) for w in _recorded(observation)]
    texts += observation.stderr.splitlines()
    coroutines = [m.group(1) for text in texts for m in NEVER_AWAITED.finditer(text)]
    canary = any(c.split(".")[-1] == COROUTINE_CANARY for c in coroutines)
    coroutines = [c for c in coroutines if c.split(".")[-1] != COROUTINE_CANARY]
    matched = [c for c in coroutines if pattern.search(c)]
    data = {
        "name": name,
        "count": len(matched),
        "matched": sorted(set(matched)),
        "other_never_awaited": sorted(set(coroutines) - set(matched)),
        "canary": canary,
    }
    if not canary:
        return Finding(
            ERROR, "no canary coroutine reported: the never-awaited channel was not live", data
        )
    if matched:
        each = sorted(Counter(matched).items())
        summary = ", ".join(f"coroutine {c!r} never awaited ({n}x)" for c, n in each)
        return Finding(LEAK, summary, data)
    return Finding(CLEAN, f"no never-awaited coroutine matching {name!r} (canary seen)", data)


register("warnings", warnings_seen, blind=WARNINGS_BLIND)
register("never_awaited", never_awaited, blind=WARNINGS_BLIND)
