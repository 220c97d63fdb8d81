"""``markdown``: a CI job summary."""

from __future__ import annotations

from typing import Any

from harness.audit.document import hits
from harness.audit.formats import register
from harness.audit.formats._shared import check_lines, clean, pythons, tail_lines, where


@register("markdown")
def markdown(doc: dict[str, Any]) -> str:
    """A CI job summary."""
    n = len(hits(doc))
    out = [
        "## Leak audit",
        "",
        f"`{doc['input']['path'] or 'environment'}` ({doc['input']['format']}), Python "
        f"{pythons(doc)} on {doc['platform']}: "
        + (f"**{n} known leak(s) hit your pins**" if n else "no known leak hits your pins"),
        "",
        "| case | pin | Python | status | first clean (line / overall) | where |",
        "|---|---|---|---|---|---|",
    ]
    for f in doc["findings"]:
        status = f["status"] + (" (ignored)" if f["ignored"] else "")
        out.append(
            f"| [{f['case']}]({f['issue']}) | {f['package']} {f['version']} | {f['python']} "
            f"| {status} | {clean(f)} | `{where(f)}` |"
        )
    for f in doc["findings"]:
        if f["status"] == "not-affected" and not f["note"]:
            continue
        out += ["", f"### {f['case']} on {f['package']} {f['version']}, Python {f['python']}", ""]
        if f["note"]:
            out.append(f"- {f['note']}")
        out += [f"- {line}" for line in check_lines(f)]
        if f["status"] == "affected":
            out.append(f"- fix upstream: {f['fix']}")
            if f["workaround"]:
                w = f["workaround"]
                out.append(f"- workaround (`{w['file']}`): {w['summary']} Cost: {w['cost']}")
        if f["ignored"]:
            out.append(f"- ignored: {f['ignored']['reason']}")
    tail = tail_lines(doc)
    if tail:
        out += ["", "```", *[line.strip("\n") for line in tail], "```"]
    return "\n".join(out) + "\n"
