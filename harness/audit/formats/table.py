"""``table`` (the default): the terminal report."""

from __future__ import annotations

from typing import Any

from harness.audit.formats import register
from harness.audit.formats._shared import check_lines, clean, pythons, tail_lines, where
from harness.outcomes import shorten


def table(doc: dict[str, Any]) -> str:
    """The terminal report."""
    source = f"{doc['input']['path'] or 'an environment'} ({doc['input']['format']})"
    out = [f"audit of {source}, Python {pythons(doc)} on {doc['platform']}", ""]
    head = ("case", "pin", "python", "status", "first clean (line / overall)", "where")
    rows = [
        (
            f["case"],
            f"{f['package']} {f['version']}",
            f["python"],
            f["status"] + (" (ignored)" if f["ignored"] else ""),
            clean(f),
            where(f),
        )
        for f in doc["findings"]
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    out.append("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    for f, row in zip(doc["findings"], rows):
        out.append("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
        if f["status"] == "not-affected" and not f["note"]:
            continue
        if f["note"]:
            out.append(f"    {f['note']}")
        out += [f"    {shorten(line, 200)}" for line in check_lines(f)]
        if f["status"] == "affected":
            out.append(f"    fix upstream: {shorten(f['fix'], 200)}")
            if f["workaround"]:
                out.append(f"    workaround: {shorten(f['workaround']['summary'], 200)}")
                out.append(f"      cost: {shorten(f['workaround']['cost'], 200)}")
        if f["status"] != "not-affected" and f["ignored"]:
            out.append(f"    ignored: {f['ignored']['reason']}")
    if not doc["findings"]:
        out.append("(no case's package is pinned)")
    out += tail_lines(doc)
    return "\n".join(out)


@register("table")
def render(doc: dict[str, Any]) -> str:
    return table(doc) + "\n"
