"""Probes on what a run said: warnings and unraisable exceptions, never-awaited coroutines."""

from __future__ import annotations

import re
from typing import Any

from .base import CLEAN, LEAK, Finding, Observation, probe


def _recorded(observation: Observation) -> list[dict[str, Any]]:
    seen = observation.evidence.get("warnings")
    return [w for w in seen if isinstance(w, dict)] if isinstance(seen, list) else []


@probe("warnings")
def warnings_seen(
    observation: Observation, category: str = "ResourceWarning", match: str = ""
) -> Finding:
    """Warnings of ``category`` whose text matches ``match``, recorded by capture_warnings.

    Unraisable exceptions of that category count too (a warning raised as an error inside a
    finaliser arrives that way).
    """
    pattern = re.compile(match)
    hits = [
        w
        for w in _recorded(observation)
        if w.get("category") == category and pattern.search(str(w.get("message", "")))
    ]
    data = {"category": category, "match": match, "count": len(hits), "seen": hits[:20]}
    if hits:
        return Finding(LEAK, f"{len(hits)} {category} matching {match!r}", data)
    return Finding(CLEAN, f"no {category} matching {match!r}", data)


NEVER_AWAITED = re.compile(r"coroutine '([^']+)' was never awaited")


@probe("never_awaited")
def never_awaited(observation: Observation, name: str) -> Finding:
    """Coroutines whose qualified name matches ``name`` that were never awaited.

    Matched in the recorded warnings and on stderr, by name: a release may drop other,
    unrelated coroutines on the same path, and those must not count.
    """
    pattern = re.compile(name)
    texts = [str(w.get("message", "")) for w in _recorded(observation)]
    texts += observation.stderr.splitlines()
    coroutines = [m.group(1) for text in texts for m in NEVER_AWAITED.finditer(text)]
    matched = [c for c in coroutines if pattern.search(c)]
    data = {
        "name": name,
        "count": len(matched),
        "matched": sorted(set(matched)),
        "other_never_awaited": sorted(set(coroutines) - set(matched)),
    }
    if matched:
        return Finding(LEAK, f"coroutine {matched[0]!r} never awaited ({len(matched)}x)", data)
    return Finding(CLEAN, f"no never-awaited coroutine matching {name!r}", data)
