from __future__ import annotations

from pathlib import Path

from harness import expectations, metadata

from .test_metadata import VALID, write_case

RULES = (
    VALID
    + """
[[expect]]
python = "<3.11"
platforms = ["linux"]
outcome = "leak"
why = "old Pythons"
"""
)


def test_the_first_matching_rule_wins(tmp_path: Path) -> None:
    case = metadata.load(write_case(tmp_path, RULES))
    rule = expectations.expected(case, "main", "affected", "1.0", "3.12.0", "linux")
    assert rule is not None and rule.outcome == "leak" and rule.why == "issue #1"
    rule = expectations.expected(case, "main", "fixed", "1.3", "3.9.1", "linux")
    assert rule is not None and rule.outcome == "clean"


def test_filters_on_python_and_platform(tmp_path: Path) -> None:
    case = metadata.load(
        write_case(tmp_path, RULES.replace('upstream = ">=1.1"', 'upstream = ">=9"'))
    )
    assert (
        expectations.expected(case, "main", "fixed", "1.1", "3.9.1", "linux").why == "old Pythons"
    )
    assert expectations.expected(case, "main", "fixed", "1.1", "3.12.0", "linux") is None
    assert expectations.expected(case, "main", "fixed", "1.1", "3.9.1", "win32") is None


def test_a_rule_for_other_checks_is_passed_over_for_the_next(tmp_path: Path) -> None:
    text = VALID.replace(
        '[[expect]]\nvariants = ["affected"]',
        '[[expect]]\nchecks = ["other"]\nvariants = ["affected"]',
    ).replace(
        "[checks.main]",
        '[checks.other]\nreproducer = "repro.py"\nprobes = [{ probe = "gc_survivors", label = "o" }]\nreaches = ["o-dropped"]\n\n[checks.main]',
    )
    case = metadata.load(write_case(tmp_path, text))
    assert (
        expectations.expected(case, "other", "affected", "1.0", "3.12.0", "linux").why == "issue #1"
    )
    rule = expectations.expected(case, "main", "affected", "1.2", "3.12.0", "linux")
    assert rule is not None and rule.why == "PR #2"  # the first rule skipped, the second taken


def test_unreleased_upstream_and_python_versions_match_rules(tmp_path: Path) -> None:
    # A development tree or a release candidate is judged by the rules of its version line.
    case = metadata.load(write_case(tmp_path, RULES))
    rule = expectations.expected(case, "main", "fixed", "1.2.dev3", "3.14.0rc1", "linux")
    assert rule is not None and rule.why == "PR #2"
    rule = expectations.expected(case, "main", "fixed", "0.9", "3.10.0a1", "linux")
    assert rule is not None and rule.why == "old Pythons"


def test_a_rule_for_other_platforms_is_passed_over_for_the_next(tmp_path: Path) -> None:
    text = (
        VALID.replace(
            '[[expect]]\nvariants = ["affected"]',
            '[[expect]]\nplatforms = ["win32"]\nvariants = ["affected"]',
        )
        + '\n[[expect]]\noutcome = "leak"\nwhy = "every other platform"\n'
    )
    case = metadata.load(write_case(tmp_path, text))
    assert (
        expectations.expected(case, "main", "affected", "1.0", "3.12.0", "win32").why == "issue #1"
    )
    rule = expectations.expected(case, "main", "affected", "1.0", "3.12.0", "linux")
    assert rule is not None and rule.why == "every other platform"
