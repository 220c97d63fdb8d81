"""``sarif``: SARIF 2.1.0, for code scanning."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from harness.audit.formats import register
from harness.audit.formats._shared import where
from harness.outcomes import Outcome

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "leak-corpus-audit"


def _help(f: dict[str, Any]) -> str:
    parts = [f"Fix upstream: {f['fix']}"]
    if f["workaround"]:
        parts.append(f"Workaround, from {f['workaround']['file']} of the leak corpus:")
        parts.append(f"{f['workaround']['summary']} Cost: {f['workaround']['cost']}")
    else:
        parts.append("No app-level workaround is known.")
    parts.append(f"Upstream issue: {f['issue']}")
    return "\n\n".join(parts)


def sarif(doc: dict[str, Any]) -> dict[str, Any]:
    """SARIF 2.1.0: one rule per case, one result per affected pin, located at its line."""
    rules: dict[str, dict[str, Any]] = {}
    grouped: dict[tuple[str, str, str, int | None], list[dict[str, Any]]] = {}
    for f in doc["findings"]:
        if f["case"] not in rules:
            text = _help(f)
            rules[f["case"]] = {
                "id": f["case"],
                "name": "".join(p.capitalize() for p in re.split(r"[^A-Za-z0-9]+", f["case"])),
                "shortDescription": {"text": f["title"]},
                "fullDescription": {"text": f"{f['package']}: {f['title']}"},
                "helpUri": f["issue"],
                "help": {"text": text, "markdown": text},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["resource-leak", f["package"]]},
            }
        if f["status"] == "affected":
            key = (f["case"], f["version"], where(f), f["location"]["line"])
            grouped.setdefault(key, []).append(f)
    index = {case: i for i, case in enumerate(rules)}
    found = []
    for (case, version, _, _), group in grouped.items():
        first = group[0]
        pythons = ", ".join(f["python"] for f in group)
        leaking = sorted(
            {c["check"] for f in group for c in f["checks"] if c["outcome"] == Outcome.LEAK}
        )
        message = (
            f"{first['package']} {version} is affected by {case} ({first['title']}) on Python "
            f"{pythons} ({first['platform']}); leaking checks: {', '.join(leaking)}. "
            f"First clean release on this line: {first['first_clean_on_line'] or 'none'}; "
            f"overall: {first['first_clean'] or 'none'}."
        )
        result: dict[str, Any] = {
            "ruleId": case,
            "ruleIndex": index[case],
            "level": "warning",
            "message": {"text": message},
        }
        if first["location"]["path"]:
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": Path(first["location"]["path"]).as_posix()}
            }
            if first["location"]["line"]:
                physical["region"] = {"startLine": first["location"]["line"]}
            result["locations"] = [{"physicalLocation": physical}]
        if first["ignored"]:
            result["suppressions"] = [
                {"kind": "external", "justification": first["ignored"]["reason"]}
            ]
        found.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": "0.1.0",
                        "rules": list(rules.values()),
                    }
                },
                "results": found,
            }
        ],
    }


@register("sarif")
def render(doc: dict[str, Any]) -> str:
    return json.dumps(sarif(doc), indent=2) + "\n"
