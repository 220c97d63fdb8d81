"""Which expectation rule of a case applies to a cell: the first that matches."""

from __future__ import annotations

from packaging.version import Version

from .metadata import Case, Rule


def expected(
    case: Case, check: str, variant: str, upstream: str, python: str, platform: str
) -> Rule | None:
    """The first rule whose filters all match, or None when no rule covers the cell."""
    for rule in case.expect:
        if rule.variants is not None and variant not in rule.variants:
            continue
        if rule.checks is not None and check not in rule.checks:
            continue
        if rule.platforms is not None and platform not in rule.platforms:
            continue
        if rule.upstream is not None and not rule.upstream.contains(
            Version(upstream), prereleases=True
        ):
            continue
        if rule.python is not None and not rule.python.contains(Version(python), prereleases=True):
            continue
        return rule
    return None
