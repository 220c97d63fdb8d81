"""``json``: the audit document itself (``schema/audit.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

from harness.audit.formats import register


@register("json")
def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2) + "\n"
