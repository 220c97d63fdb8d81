"""The static audit: the cases' own rules applied to a pinned release, a Python and an OS.
Release lists come from tests/fake_pypi.py (offline), and once from PyPI itself."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness import audit, metadata, pypi
from harness.audit import Status
from harness.lockfiles import Locked, LockError, Pin
from harness.metadata import ROOT, Rule
from harness.outcomes import Outcome
from tests.fake_pypi import offline_pypi  # noqa: F401  (the fixture)
from tests.test_metadata import write_case

pytestmark = pytest.mark.usefixtures("offline_pypi")
CACHE = ROOT / ".nox" / "pypi"
PYPI_RELEASES = pypi.releases  # the real one, before the fixture replaces it


def answers(case_id: str, version: str, python: str = "3.11", platform: str = "linux"):
    found = audit.answer(metadata.load_case(case_id), version, python, platform)
    return found.status, {c.check: c.outcome for c in found.checks}


def test_a_pin_before_the_fix_is_affected_with_the_fact_behind_it() -> None:
    found = audit.answer(metadata.load_case("nicegui-4592"), "2.15.0", "3.11", "linux")
    assert found.status == Status.AFFECTED
    reset = next(c for c in found.checks if c.check == "reset")
    assert reset.outcome == Outcome.LEAK and "#4592" in reset.why


# A synthetic case on a package tests/fake_pypi.py knows (werkzeug 3.0.6 and 3.1.9): each
# check's rules say what it does across the two releases, so these tests need no real case.
SYNTHETIC = """
id = "demo-1"
title = "a demo"
package = "werkzeug"
repository = "https://example.invalid/demo"
issue = "https://example.invalid/demo/issues/1"
status = "fixed"
fix = "PR #2"
first_fixed = "3.1.9"
last_affected = "3.0.6"
leak = "objects"
platforms = ["linux"]
notes = "demo"

[checks.gone]
reproducer = "repro.py"
probes = [{ probe = "gc_survivors", label = "owners" }]
reaches = ["owners-dropped"]

[checks.starts]
reproducer = "repro.py"
probes = [{ probe = "gc_survivors", label = "owners" }]
reaches = ["owners-dropped"]

[checks.stays]
reproducer = "repro.py"
probes = [{ probe = "gc_survivors", label = "owners" }]
reaches = ["owners-dropped"]

[checks.changes]
reproducer = "repro.py"
probes = [{ probe = "gc_survivors", label = "owners" }]
reaches = ["owners-dropped"]

[checks.same]
reproducer = "repro.py"
probes = [{ probe = "gc_survivors", label = "owners" }]
reaches = ["owners-dropped"]

[variants.affected]
releases = ["3.0.6", "3.1.9"]
"""
# check: (its rule's outcome up to 3.0.x, from 3.1), None for no rule; the why is the outcome
RULES = {
    "gone": ("leak", "clean"),
    "starts": ("clean", "leak"),
    "stays": ("leak", "leak"),
    "changes": ("absent", "clean"),
    "same": ("clean", "clean"),
}


def synthetic(tmp_path: Path, rules: dict[str, tuple[str | None, str | None]]) -> metadata.Case:
    text = SYNTHETIC
    for check, outcomes in rules.items():
        for upstream, outcome in zip(("<3.1", ">=3.1"), outcomes):
            if outcome is not None:
                text += (
                    f'\n[[expect]]\nchecks = ["{check}"]\nupstream = "{upstream}"\n'
                    f'outcome = "{outcome}"\nwhy = "{check}: {outcome}"\n'
                )
    return metadata.load(write_case(tmp_path, text))


def test_a_check_no_rule_covers_is_unknown_never_dropped(tmp_path: Path) -> None:
    # No rule covers "starts" on 3.0.6 and no check leaks there: unknown, not not-affected.
    quiet = {check: ("clean", "clean") for check in RULES}
    found = audit.answer(
        synthetic(tmp_path, {**quiet, "starts": (None, "leak")}), "3.0.6", "3.11", "linux"
    )
    checks = {c.check: c.outcome for c in found.checks}
    assert found.status == Status.UNKNOWN and "starts" in checks and checks["starts"] is None
    # A leak elsewhere makes the case affected; the uncovered check is still listed.
    found = audit.answer(
        synthetic(tmp_path, {**RULES, "starts": (None, "leak")}), "3.0.6", "3.11", "linux"
    )
    checks = {c.check: c.outcome for c in found.checks}
    assert found.status == Status.AFFECTED and "starts" in checks and checks["starts"] is None


def test_absent_when_every_rule_says_absent() -> None:
    case = metadata.load_case("werkzeug-3039")
    case = dataclasses.replace(case, expect=(Rule(outcome="absent", why="no such code"),))
    assert audit.answer(case, "3.1.9", "3.11", "linux").status == Status.ABSENT


def test_rules_about_our_patch_or_the_workaround_never_answer_for_a_pin() -> None:
    # nicegui-4109's first rule says "patched: clean" for every check; werkzeug-3039 has a
    # "workaround: clean" rule. A plain release must be judged by the other rules.
    assert answers("nicegui-4109", "2.11.0")[1]["owners"] == Outcome.LEAK
    # werkzeug-3039's werkzeug and flask checks: "affected, latest: leak" answers, not the
    # workaround's or our patch's "clean".
    status, checks = answers("werkzeug-3039", "3.1.9")
    assert status == Status.AFFECTED and checks["werkzeug"] == checks["flask"] == Outcome.LEAK


def test_python_and_os_decide() -> None:
    assert answers("nicegui-4592", "2.20.0", "3.10")[1]["teardown"] == Outcome.LEAK
    assert answers("nicegui-4592", "2.20.0", "3.11")[1]["teardown"] == Outcome.CLEAN
    status, checks = answers("pywebview-1554", "5.3.2", platform="linux")
    assert status == Status.NOT_AFFECTED and not checks
    status, checks = answers("pywebview-1554", "5.2", platform="win32")
    assert checks["folder"] == Outcome.CLEAN and checks["warning"] == Outcome.LEAK


@pytest.mark.parametrize(
    "python, on_line, overall", [("3.10", None, "3.17.0"), ("3.11", "2.16.0", "2.16.0")]
)
def test_first_clean_release_on_the_line_and_overall(
    python: str, on_line: str | None, overall: str
) -> None:
    case = metadata.load_case("nicegui-4592")
    assert audit.first_clean(case, "2.15.0", python, "linux", CACHE) == (on_line, overall)


def _locked(version: str, package: str = "nicegui") -> Locked:
    path = Path("requirements.txt")
    return Locked(path, "requirements", (Pin(package, version, path, 7),))


def test_upgrade_diff_says_what_goes_away_starts_stays_and_changes(tmp_path: Path) -> None:
    case = synthetic(tmp_path, RULES)
    before = audit.audit(_locked("3.0.6", "werkzeug"), ["3.11"], "linux", [case], CACHE)
    after = audit.audit(_locked("3.1.9", "werkzeug"), ["3.11"], "linux", [case], CACHE)
    kinds = {c.check: c.kind for c in audit.upgrade_diff(before, after)}
    assert kinds == {
        "gone": "goes away",
        "starts": "starts",
        "stays": "stays",
        "changes": "changes",
    }


def test_the_readmes_upgrade_examples() -> None:
    # nicegui-4592's rules: 2.15.0 -> 3.10.0 ends the never-awaited warning (reset: leak <2.16.0,
    # clean >=2.16.0) but a shutdown loses data on both (teardown: leak <2.16.0, and leak
    # >=3.0.0,<3.17.0); nicegui-4131's semaphores at CTRL-C go (leak >=1.2.16,<2.16, then clean).
    # 2.24.2 -> 3.10.0 on Python 3.11 starts the loss (clean >=2.16.0,<3.0.0 on Python >=3.11).
    # Only these cases' checks are asserted: other nicegui cases come and go.
    def diff(old: str, new: str) -> dict[tuple[str, str], str]:
        before = audit.audit(_locked(old), ["3.11"], "linux", cache_dir=CACHE)
        after = audit.audit(_locked(new), ["3.11"], "linux", cache_dir=CACHE)
        return {(c.case, c.check): c.kind for c in audit.upgrade_diff(before, after)}

    kinds = diff("2.15.0", "3.10.0")
    assert kinds[("nicegui-4592", "reset")] == "goes away"
    assert (
        kinds[("nicegui-4592", "teardown")] == kinds[("nicegui-4592", "teardown-fast")] == "stays"
    )
    assert kinds[("nicegui-4131", "uvicorn-reload")] == "goes away"
    assert kinds[("nicegui-4131", "exit-signal")] == "goes away"
    kinds = diff("2.24.2", "3.10.0")
    assert (
        kinds[("nicegui-4592", "teardown")] == kinds[("nicegui-4592", "teardown-fast")] == "starts"
    )
    assert ("nicegui-4592", "reset") not in kinds  # clean on both


def test_a_pin_pypi_lacks_and_an_unsupported_python_are_bad_input() -> None:
    with pytest.raises(LockError, match=r"requirements.txt:7: nicegui has no release '99.0'"):
        audit.audit(_locked("99.0"), ["3.11"], "linux", cache_dir=CACHE)
    with pytest.raises(LockError, match=r"requirements.txt:7: werkzeug 3.1.9 requires Python"):
        audit.audit(_locked("3.1.9", "werkzeug"), ["3.8"], "linux", cache_dir=CACHE)


@pytest.mark.matrix
def test_first_clean_from_pypi_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pypi, "releases", PYPI_RELEASES)
    case = metadata.load_case("nicegui-4592")
    assert audit.first_clean(case, "2.15.0", "3.10", "linux", CACHE) == (None, "3.17.0")
    assert audit.first_clean(case, "2.15.0", "3.11", "linux", CACHE) == ("2.16.0", "2.16.0")
    case = metadata.load_case("pywebview-1554")
    assert audit.first_clean(case, "5.3.2", "3.11", "win32", CACHE) == (None, None)


def test_each_leaking_check_says_where_it_ends() -> None:
    # pywebview 5.4 deletes the folder, but no release ends the ResourceWarning: the case stays
    # affected, and each check says so on its own.
    found = audit.audit(_locked("5.3.2", "pywebview"), ["3.11"], "win32", cache_dir=CACHE)
    [finding] = [f for f in found if f.case.id == "pywebview-1554"]
    ends = {c.check: c.clean_from for c in finding.answer.checks if c.leaks}
    # The folder is deleted from 5.4 on, unless the browser outlives pywebview's 3 s wait.
    assert ends == {
        "folder": "5.4",
        "folder-props-honoured": "5.4",
        "folder-late-release": None,
        "windows-native": "5.4",
        "warning": None,
    }
    assert (finding.first_clean_on_line, finding.first_clean) == (None, None)
