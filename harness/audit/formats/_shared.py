"""What the human-readable formats share: the lines they say a finding, a verify cell and the
rest of the audit document with."""

from __future__ import annotations

from typing import Any

from harness.outcomes import Outcome, shorten


def pythons(doc: dict[str, Any]) -> str:
    """ "3.11 (read as 3.11.7)": an X.Y says the patch level it stands for."""
    return ", ".join(
        p if p == full else f"{p} (read as {full})" for p, full in doc["read_as"].items()
    )


def where(f: dict[str, Any]) -> str:
    loc = f["location"]
    if not loc["path"]:
        return "environment"
    return f"{loc['path']}:{loc['line']}" if loc["line"] else loc["path"]


def clean(f: dict[str, Any]) -> str:
    """Only an affected pin is shown an upgrade."""
    if f["status"] != "affected":
        return "-"
    return f"{f['first_clean_on_line'] or 'none'} / {f['first_clean'] or 'none'}"


def check_lines(f: dict[str, Any]) -> list[str]:
    """Per check: the outcome, how it is known (measured, inferred, simulated, not run) and
    the upstream fact of its rule."""
    lines = []
    for c in f["checks"]:
        since = ""
        if c["outcome"] == Outcome.LEAK:
            since = (
                f" (gone from {c['clean_from']})" if c["clean_from"] else " (no release ends it)"
            )
        why = f"; {c['why']}" if c["why"] and c["known"] in ("measured", "simulated") else ""
        lines.append(f"{c['check']}: {c['outcome'] or 'unknown'}{since}: {c['how']}{why}")
    return lines


def tail_lines(doc: dict[str, Any]) -> list[str]:
    out = [f"\nNOTE: {note}" for note in doc["input"]["notes"]]
    if doc["not_pinned"]:
        out.append(f"\nnot pinned, not audited: {', '.join(doc['not_pinned'])}")
    for ignore in doc["ignores"]:
        if ignore["expired"]:
            out.append(f"NOTE: {ignore['message']}")
    if doc["upgrade"]:
        up = doc["upgrade"]
        out.append(f"\nupgrade {up['package']} {up['from'] or '(not pinned)'} -> {up['to']}:")
        for c in up["changes"] or []:
            after = c["after"]["outcome"] or "unknown"
            out.append(
                f"  {c['kind']:<9} {c['case']}/{c['check']} py{c['python']}: "
                f"{c['before']['outcome'] or 'unknown'} -> {after}"
                + (f": {shorten(c['after']['why'], 160)}" if c["after"]["why"] else "")
            )
        if not up["changes"]:
            out.append("  no case's answer changes")
    if doc["verify"] is not None:
        out.append("\nverify (run on your pins):")
        for v in doc["verify"]:
            out.append(
                f"  {v['case']}/{v['check']} {v['kind']} {v['package']} {v['version']} "
                f"py{v['python']}: {v['outcome']}, {meaning(v)} ({v['duration_s']:.1f}s)"
            )
            if v["outcome"] not in (Outcome.LEAK, Outcome.CLEAN):
                out.append(f"      {shorten(v['reason'], 300)}")
            if v["off_pins"]["differ"]:
                out.append(f"      NOT at your pins: {', '.join(v['off_pins']['differ'])}")
        if not doc["verify"]:
            out.append("  nothing to run: no leaking check of an affected pin runs on this OS")
    return out


def meaning(v: dict[str, Any]) -> str:
    """What a --verify cell's outcome tells the app developer."""
    plain = v["kind"] == "plain"
    if v["outcome"] == Outcome.LEAK:
        return "the leak, shown on your pins" if plain else "the workaround does not cure it"
    if v["outcome"] == Outcome.CLEAN:
        if plain:
            return "no leak on your pins, against the case's rule: please report it"
        return "the workaround, proven on your pins"
    return "no verdict"
