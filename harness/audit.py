"""The static audit: which cases hit an app's pinned releases, from the cases' own rules.

For each case whose package is pinned, every check's expectation rule is applied to the exact
version, the Python and the OS. Rules are asked about the plain upstream release: the one
matched is the first (in ``case.toml`` order) that applies to any of the case's plain variants
(no patch, no workaround: ``affected``, ``fixed``, ``latest`` and the like), so a rule about our
patch or the workaround never speaks for an app's pin.

A case's status on a pin: ``affected`` when a check's rule says leak; ``unknown`` when no rule
covers a check and none says leak (said plainly, never dropped); ``absent`` when every check's
rule says absent; ``not-affected`` otherwise. A case whose leak exists on other OSes only is
``not-affected`` on this one, with that said.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from packaging.version import Version

from . import expectations, interpreters, metadata, pypi
from .lockfiles import Locked, LockError, Pin
from .metadata import Case, Rule
from .outcomes import Outcome, python_key

# Stands for "any plain release" in a case that declares no plain variant: it matches only
# rules that name no variants.
PLAIN = "plain"


class Status(str, Enum):
    AFFECTED = "affected"
    NOT_AFFECTED = "not-affected"
    ABSENT = "absent"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


CLEAR = (Status.NOT_AFFECTED, Status.ABSENT)


@dataclass(frozen=True)
class CheckAnswer:
    check: str
    outcome: Outcome | None  # None: no rule covers it
    why: str | None
    variant: str | None = None  # the plain variant whose rule answered
    clean_from: str | None = None  # for a leak: the first later release where it is gone

    @property
    def leaks(self) -> bool:
        return self.outcome == Outcome.LEAK


@dataclass(frozen=True)
class Answer:
    status: Status
    checks: tuple[CheckAnswer, ...]
    note: str = ""


@dataclass(frozen=True)
class Finding:
    case: Case
    pin: Pin
    python: str
    platform: str
    answer: Answer
    first_clean_on_line: str | None
    first_clean: str | None

    @property
    def status(self) -> Status:
        return self.answer.status


def plain_variants(case: Case) -> tuple[str, ...]:
    """The names of the case's variants that run the upstream release as it is."""
    names = sorted(
        (v.name for v in case.variants.values() if v.patch is None and v.workaround is None),
        key=lambda name: name != "affected",  # named first: --verify runs its cells as it
    )
    return tuple(names) or (PLAIN,)


def rule_for(
    case: Case, check: str, version: str, python: str, platform: str
) -> tuple[Rule, str] | None:
    """The first rule (in file order) that applies to the plain release, and the plain
    variant it was asked as."""
    found: list[tuple[int, Rule, str]] = []
    for variant in plain_variants(case):
        rule = expectations.expected(case, check, variant, version, python, platform)
        if rule is not None:
            found.append((case.expect.index(rule), rule, variant))
    if not found:
        return None
    _, rule, variant = min(found, key=lambda item: item[0])
    return rule, variant


def answer(case: Case, version: str, python: str, platform: str) -> Answer:
    """What the case's rules say about the plain release ``version`` on Python and OS."""
    if platform not in case.platforms:
        return Answer(
            Status.NOT_AFFECTED,
            (),
            f"the leak exists on {', '.join(case.platforms)} only, not on {platform}",
        )
    checks = []
    for check in case.checks:
        found = rule_for(case, check, version, python, platform)
        if found is None:
            checks.append(CheckAnswer(check, None, None))
        else:
            rule, variant = found
            checks.append(CheckAnswer(check, Outcome(rule.outcome), rule.why, variant))
    outcomes = {c.outcome for c in checks}
    if Outcome.LEAK in outcomes:
        status = Status.AFFECTED
    elif None in outcomes:
        status = Status.UNKNOWN
    elif outcomes == {Outcome.ABSENT}:
        status = Status.ABSENT
    else:
        status = Status.NOT_AFFECTED
    return Answer(status, tuple(checks))


def _later(case: Case, version: str, python: str, cache_dir: Path | None) -> list[Version]:
    """Final, non-yanked releases after ``version`` that support Python, oldest first."""
    pinned = Version(version)
    return sorted(
        r.version
        for r in pypi.releases(case.package, cache_dir).values()
        if r.version > pinned
        and not r.version.is_prerelease
        and not r.yanked
        and r.supports(interpreters.full_version(python))
    )


def first_clean(
    case: Case, version: str, python: str, platform: str, cache_dir: Path | None
) -> tuple[str | None, str | None]:
    """The first final release after ``version`` that supports Python and that no check of
    the case hits, on the same major version ("this line") and overall."""
    major = Version(version).major
    for candidate in _later(case, version, python, cache_dir):  # the first clean is the first
        if answer(case, str(candidate), python, platform).status in CLEAR:
            return (str(candidate) if candidate.major == major else None), str(candidate)
    return None, None


def clean_from(
    case: Case, check: str, version: str, python: str, platform: str, cache_dir: Path | None
) -> str | None:
    """The first release after ``version`` whose rule for this one check says it no longer
    leaks (clean or absent): a case can stay affected by another check."""
    for candidate in _later(case, version, python, cache_dir):
        found = rule_for(case, check, str(candidate), python, platform)
        if found and found[0].outcome in (Outcome.CLEAN, Outcome.ABSENT):
            return str(candidate)
    return None


def _check_pin(case: Case, pin: Pin, python: str, cache_dir: Path | None) -> None:
    """A pin PyPI lacks, or one that does not support the Python, is bad input."""
    try:
        release = pypi.release(case.package, pin.version, cache_dir)
    except pypi.ReleaseError as exc:
        raise LockError(f"{pin.where}: {exc}") from None
    if not release.supports(interpreters.full_version(python)):
        raise LockError(
            f"{pin.where}: {case.package} {pin.version} requires Python "
            f"{release.requires_python}, not {python}; audit with a --python it supports"
        )


def audit(
    locked: Locked,
    pythons: list[str],
    platform: str,
    cases: list[Case] | None = None,
    cache_dir: Path | None = None,
) -> list[Finding]:
    """One finding per (case, pin, Python) for every case whose package is pinned."""
    cases = metadata.load_all() if cases is None else cases
    findings = []
    for python in sorted(pythons, key=python_key):
        if locked.requires_python and not locked.requires_python.contains(
            interpreters.full_version(python), True
        ):
            raise LockError(
                f"{locked.path}: requires-python {locked.requires_python} excludes Python "
                f"{interpreters.full_version(python)}"
            )
        pins = locked.pins_for(python, platform)
        for case in cases:
            pin = pins.get(case.package)
            if pin is None:
                continue
            _check_pin(case, pin, python, cache_dir)
            found = answer(case, pin.version, python, platform)
            on_line = overall = None
            if found.status != Status.NOT_AFFECTED:
                on_line, overall = first_clean(case, pin.version, python, platform, cache_dir)
                checks = tuple(
                    dataclasses.replace(
                        c,
                        clean_from=clean_from(
                            case, c.check, pin.version, python, platform, cache_dir
                        ),
                    )
                    if c.leaks
                    else c
                    for c in found.checks
                )
                found = dataclasses.replace(found, checks=checks)
            findings.append(Finding(case, pin, python, platform, found, on_line, overall))
    return findings


@dataclass(frozen=True)
class Change:
    case: str
    check: str
    python: str
    before: CheckAnswer
    after: CheckAnswer

    @property
    def kind(self) -> str:
        """``goes away`` (leak before, not after), ``starts`` (leak after, not before),
        ``changes`` (another answer, neither a leak), ``stays`` (leaks on both)."""
        if self.before.leaks and not self.after.leaks:
            return "goes away"
        if self.after.leaks and not self.before.leaks:
            return "starts"
        return "stays" if self.after.leaks else "changes"


def upgrade_diff(before: list[Finding], after: list[Finding]) -> list[Change]:
    """Check by check, what a planned upgrade changes (unchanged answers are left out)."""

    def table(findings: list[Finding]) -> dict[tuple[str, str, str], CheckAnswer]:
        return {(f.case.id, c.check, f.python): c for f in findings for c in f.answer.checks}

    old, new = table(before), table(after)
    nothing = CheckAnswer("", None, None)
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, nothing), new.get(key, nothing)
        if (a.outcome, a.why) != (b.outcome, b.why) or (a.leaks and b.leaks):
            changes.append(Change(key[0], key[1], key[2], a, b))
    return changes
