from __future__ import annotations

import pytest

from harness import verdict
from harness.verdict import RunVerdict


@pytest.mark.parametrize(
    "outcomes, combined",
    [
        (["leak", "leak", "leak"], "leak"),
        (["clean"], "clean"),
        (["leak", "clean", "leak"], "flaky"),
        (["leak", "error", "leak"], "error"),
        (["clean", "clean", "error"], "error"),
    ],
)
def test_repeats_combine_without_a_majority_vote(outcomes: list[str], combined: str) -> None:
    outcome, reason = verdict.combine([RunVerdict(o, f"r{i}") for i, o in enumerate(outcomes)])
    assert outcome == combined
    if combined == "flaky":
        assert "disagree" in reason


@pytest.mark.parametrize(
    "outcome, expected, agrees",
    [
        ("leak", "leak", True),
        ("clean", "leak", False),
        ("skip", "leak", None),
        ("skip", None, None),
        ("absent", "absent", True),
        ("absent", "clean", False),
        ("clean", "absent", False),
        ("error", "leak", False),
        ("flaky", "clean", False),
        ("leak", None, False),
    ],
)
def test_agreement(outcome: str, expected: str | None, agrees: bool | None) -> None:
    assert verdict.agrees(outcome, expected) is agrees
