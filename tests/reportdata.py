"""Result documents for the report's tests: hand-made cells, the committed Linux baseline, and
the three-OS merge (the baseline with Windows and macOS copies of it)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from harness import results

BASELINE = Path(__file__).resolve().parent.parent / "results" / "baseline" / "linux.json"
# Markup a process could print: every one must stay text in HTML and in Markdown.
PLANTED = (
    "<img src=x onerror=\"document.title='owned'\"> </details> "
    "<script>document.title='owned'</script> coroutine 'backup.<locals>.backup' "
    "\x1b[31mred\x1b[0m | `tick` *star* [link](javascript:x) @someone"
)


def cell(
    os_name: str,
    python: str,
    outcome: str = "leak",
    expected: str | None = "leak",
    reason: str = "1 of 1 callbacks never ran",
    variant: str = "affected",
    release: str = "3.1.9",
    stderr: str | None = None,
) -> dict[str, Any]:
    return {
        "case": "werkzeug-3039",
        "check": "werkzeug",
        "variant": variant,
        "release": release,
        "python": f"{python}.0",
        "python_requested": python,
        "os": os_name,
        "upstream": {"package": "werkzeug", "version": "3.1.9" if release == "latest" else release},
        "outcome": outcome,
        "expected": expected,
        "expected_why": "issue #3039",
        "agrees": None if outcome == "skip" else outcome == expected,
        "reason": reason,
        "evidence_kind": "native",
        "evidence": {
            "runs": []
            if outcome == "skip"
            else [
                {
                    "outcome": outcome if outcome != "flaky" else "leak",
                    "reason": reason,
                    "exit_code": 0,
                    "duration_s": 0.3,
                    "findings": {},
                    "leftovers": [],
                    "recorded": {"trigger": ["GET"]},
                    "stderr_tail": reason if stderr is None else stderr,
                }
            ]
        },
        "duration_s": 0.4,
        "distributions": {} if outcome == "skip" else {"werkzeug": "3.1.9"},
    }


def document(
    os_name: str, cells: list[dict[str, Any]], started: str = "2026-11-21T10:00:00+00:00"
) -> dict[str, Any]:
    doc = results.new_run("python -m harness all", "uv|virtualenv")
    doc["run"].update(started=started, finished=started, complete=True)
    doc["run"]["host"]["os"] = os_name
    doc["cells"] = cells
    return doc


def baseline() -> dict[str, Any]:
    return results.load(BASELINE)


def as_os(document_: dict[str, Any], os_name: str) -> dict[str, Any]:
    """A copy of a result document as if it had run on another OS."""
    doc = copy.deepcopy(document_)
    doc["run"]["host"]["os"] = os_name
    for c in doc["cells"]:
        c["os"] = os_name
    return doc


def three_oses() -> list[dict[str, Any]]:
    real = baseline()
    return [real, as_os(real, "win32"), as_os(real, "darwin")]


def planted_disagreement() -> dict[str, Any]:
    """A Linux document with one cell that disagrees and whose process output is hostile."""
    stderr = "\n".join([f"noise line {i}" for i in range(20)] + [f"RuntimeError: {PLANTED}"])
    bad = cell("linux", "3.11", "error", "leak", f"exit status 1; {PLANTED}", stderr=stderr)
    bad["evidence"]["runs"][0]["recorded"]["warnings"] = [
        {"category": "RuntimeWarning", "message": PLANTED, "where": "/x/site-packages/a.py:7"}
    ]
    # Later than any run of a committed baseline, so that it wins the merge with one.
    return document("linux", [bad], started="2999-01-01T00:00:00+00:00")
