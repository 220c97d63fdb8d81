"""Which expectation rule of a case applies to a cell.

A cell of a plain variant (no patch, no workaround; a history's cells too) runs the upstream
release as it is, so its rule is chosen by release, Python X.Y.Z and OS only: the first rule
that names no variants and matches (every such rule states the releases it holds for; the
loader refuses one that does not). A cell of a patch or workaround variant takes the first rule
that names its variant (those rules are about our fix on a named release) or says the release
lacks the code path, wherever it stands in the file, and the plain release's rule only where
none does.
"""

from __future__ import annotations

from packaging.version import Version

from harness.corpus.metadata import Case, Rule
from harness.outcomes import Outcome


def _matches(rule: Rule, check: str, upstream: str, python: str, platform: str) -> bool:
    if rule.checks is not None and check not in rule.checks:
        return False
    if rule.platforms is not None and platform not in rule.platforms:
        return False
    if rule.upstream is not None and not rule.upstream.contains(Version(upstream), True):
        return False
    return rule.python is None or rule.python.contains(Version(python), prereleases=True)


def for_release(case: Case, check: str, upstream: str, python: str, platform: str) -> Rule | None:
    """The rule for the plain release ``upstream`` on Python ``python`` (X.Y.Z) and OS, or None
    when no rule covers it."""
    return next(
        (
            rule
            for rule in case.expect
            if rule.variants is None and _matches(rule, check, upstream, python, platform)
        ),
        None,
    )


def expected(
    case: Case, check: str, variant: str, upstream: str, python: str, platform: str
) -> Rule | None:
    """The rule of a cell of ``variant``; a variant the case does not declare (a history's)
    runs the plain release. A patch or workaround variant takes, in file order, the first rule
    that names it or that says the release has no such code path (``absent``: no fix brings
    back code the release lacks); where none does, the plain release's rule (a check the fix
    leaves alone)."""
    declared = case.variants.get(variant)
    if declared is None or declared.plain:
        return for_release(case, check, upstream, python, platform)
    own = (
        rule
        for rule in case.expect
        if (
            (rule.variants is not None and variant in rule.variants)
            or (rule.variants is None and rule.outcome == Outcome.ABSENT)
        )
        and _matches(rule, check, upstream, python, platform)
    )
    return next(own, None) or for_release(case, check, upstream, python, platform)
