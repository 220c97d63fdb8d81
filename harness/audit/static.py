"""The static audit: which cases hit an app's pinned releases, from the committed cells and
the cases' own rules.

For each case whose package is pinned, every check is asked through ``answer.answer`` at the
exact release, Python X.Y.Z and OS: a committed cell there when there is one (measured, or
simulated), else the case's rule for that release (inferred, or not run). A Python given as
X.Y is read as the X.Y this machine runs cells with, else X.Y.0 (``interpreters.full_version``),
and the report says which.

A case's status on a pin: ``affected`` when a check's answer is leak; ``unknown`` when a check
has no verdict (no rule covers it, or its cell gave none) and none says leak (said plainly,
never dropped); ``absent`` when every check's answer is absent; ``not-affected`` otherwise. A
case whose leak exists on other OSes only is ``not-affected`` on this one, with that said.
Only an affected pin gets a first clean release.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from harness.audit.lockfiles import Locked, LockError, Pin
from harness.corpus import answer as answers
from harness.corpus import metadata
from harness.corpus.metadata import Case
from harness.outcomes import Outcome, Word, python_key
from harness.run import interpreters, pypi


class Status(Word):
    AFFECTED = "affected"
    NOT_AFFECTED = "not-affected"
    ABSENT = "absent"
    UNKNOWN = "unknown"


CLEAR = (Status.NOT_AFFECTED, Status.ABSENT)


@dataclass(frozen=True)
class CheckAnswer:
    check: str
    found: answers.Answer
    clean_from: str | None = None  # for a leak: the first later release where it is gone

    @property
    def outcome(self) -> Outcome | None:
        return self.found.outcome

    @property
    def why(self) -> str | None:
        return self.found.rule.why if self.found.rule else None

    @property
    def leaks(self) -> bool:
        return self.outcome == Outcome.LEAK


@dataclass(frozen=True)
class CaseAnswer:
    status: Status
    checks: tuple[CheckAnswer, ...]
    note: str = ""


@dataclass(frozen=True)
class Finding:
    case: Case
    pin: Pin
    python: str  # the line, X.Y
    python_full: str  # X.Y.Z, what the answers were asked about
    platform: str
    answer: CaseAnswer
    first_clean_on_line: str | None
    first_clean: str | None

    @property
    def status(self) -> Status:
        return self.answer.status


def line_of(python: str) -> str:
    return ".".join(python.split(".")[:2])


def ask(
    case: Case,
    version: str,
    python: str,
    platform: str,
    cells: answers.Cells,
) -> CaseAnswer:
    """What is known of the plain release ``version`` on Python X.Y.Z and OS."""
    if platform not in case.platforms:
        return CaseAnswer(
            Status.NOT_AFFECTED,
            (),
            f"the leak exists on {', '.join(case.platforms)} only, not on {platform}",
        )
    checks = tuple(
        CheckAnswer(check, answers.answer(case, check, version, python, platform, cells))
        for check in case.checks
    )
    outcomes = {c.outcome for c in checks}
    if Outcome.LEAK in outcomes:
        status = Status.AFFECTED
    elif outcomes - {Outcome.CLEAN, Outcome.ABSENT}:
        status = Status.UNKNOWN
    elif outcomes == {Outcome.ABSENT}:
        status = Status.ABSENT
    else:
        status = Status.NOT_AFFECTED
    return CaseAnswer(status, checks)


def _later(case: Case, version: str, python: str, cache_dir: Path | None) -> list[Version]:
    """Final, non-yanked releases after ``version`` that support Python, oldest first."""
    pinned = Version(version)
    return sorted(
        r.version
        for r in pypi.releases(case.package, cache_dir).values()
        if r.version > pinned
        and not r.version.is_prerelease
        and not r.yanked
        and r.supports(python)
    )


def first_clean(
    case: Case,
    version: str,
    python: str,
    platform: str,
    cells: answers.Cells,
    cache_dir: Path | None,
) -> tuple[str | None, str | None]:
    """The first final release after ``version`` that supports Python and whose answers say
    no check leaks and every check has a verdict, on the same major version ("this line") and
    overall."""
    major = Version(version).major
    for candidate in _later(case, version, python, cache_dir):
        if ask(case, str(candidate), python, platform, cells).status in CLEAR:
            return (str(candidate) if candidate.major == major else None), str(candidate)
    return None, None


def clean_from(
    case: Case,
    check: str,
    version: str,
    python: str,
    platform: str,
    cells: answers.Cells,
    cache_dir: Path | None,
) -> str | None:
    """The first release after ``version`` whose answer for this one check says it no longer
    leaks (clean or absent): a case can stay affected by another check."""
    for candidate in _later(case, version, python, cache_dir):
        found = answers.answer(case, check, str(candidate), python, platform, cells)
        if found.outcome in (Outcome.CLEAN, Outcome.ABSENT):
            return str(candidate)
    return None


def _check_pin(case: Case, pin: Pin, python: str, cache_dir: Path | None) -> None:
    """A pin PyPI lacks, or one that does not support the Python (X.Y.Z), is bad input."""
    assert pin.version is not None  # a reference without a version is answered unknown
    try:
        release = pypi.release(case.package, pin.version, cache_dir)
    except pypi.ReleaseError as exc:
        raise LockError(f"{pin.where}: {exc}") from None
    if not release.supports(python):
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
    cells: answers.Cells | None = None,
) -> list[Finding]:
    """One finding per (case, pin, Python) for every case whose package is pinned; a Python
    is X.Y or X.Y.Z."""
    cases = metadata.load_all() if cases is None else cases
    cells = answers.committed(cases) if cells is None else cells
    findings = []
    for given in sorted(pythons, key=python_key):
        python = interpreters.full_version(given)
        if locked.requires_python and not locked.requires_python.contains(python, True):
            raise LockError(
                f"{locked.path}: requires-python {locked.requires_python} excludes Python {python}"
            )
        pins = locked.pins_for(python, platform)
        for case in cases:
            pin = pins.get(canonicalize_name(case.package))
            if pin is None:
                continue
            if pin.version is None:
                unknown = CaseAnswer(Status.UNKNOWN, (), f"{pin.reference}: {pin.unknown}")
                findings.append(
                    Finding(case, pin, line_of(python), python, platform, unknown, None, None)
                )
                continue
            _check_pin(case, pin, python, cache_dir)
            found = ask(case, pin.version, python, platform, cells)
            if pin.reference and not found.note:
                found = dataclasses.replace(
                    found, note=f"audited as {pin.version}, the version {pin.reference} declares"
                )
            on_line = overall = None
            if found.status == Status.AFFECTED:
                on_line, overall = first_clean(
                    case, pin.version, python, platform, cells, cache_dir
                )
                checks = tuple(
                    dataclasses.replace(
                        c,
                        clean_from=clean_from(
                            case, c.check, pin.version, python, platform, cells, cache_dir
                        ),
                    )
                    if c.leaks
                    else c
                    for c in found.checks
                )
                found = dataclasses.replace(found, checks=checks)
            findings.append(
                Finding(case, pin, line_of(python), python, platform, found, on_line, overall)
            )
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
    nothing = CheckAnswer("", answers.Answer(None, answers.Known.NOT_RUN, None))
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, nothing), new.get(key, nothing)
        if (a.outcome, a.why) != (b.outcome, b.why) or (a.leaks and b.leaks):
            changes.append(Change(key[0], key[1], key[2], a, b))
    return changes
