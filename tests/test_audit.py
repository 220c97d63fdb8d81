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


def test_a_check_no_rule_covers_is_unknown_never_dropped() -> None:
    # nicegui-4592's teardown check has no rule below 2.16.0 (the case's notes say why).
    _, checks = answers("nicegui-4592", "2.15.0")
    assert "teardown" in checks and checks["teardown"] is None
    case = dataclasses.replace(metadata.load_case("nicegui-4592"), expect=())
    assert audit.answer(case, "2.15.0", "3.11", "linux").status == Status.UNKNOWN


def test_absent_when_every_rule_says_absent() -> None:
    case = metadata.load_case("werkzeug-3039")
    case = dataclasses.replace(case, expect=(Rule(outcome="absent", why="no such code"),))
    assert audit.answer(case, "3.1.9", "3.11", "linux").status == Status.ABSENT


def test_rules_about_our_patch_or_the_workaround_never_answer_for_a_pin() -> None:
    # nicegui-4109's first rule says "patched: clean" for every check; werkzeug-3039 has a
    # "workaround: clean" rule. A plain release must be judged by the other rules.
    assert answers("nicegui-4109", "2.11.0")[1]["owners"] == Outcome.LEAK
    status, checks = answers("werkzeug-3039", "3.1.9")
    assert status == Status.AFFECTED and set(checks.values()) == {Outcome.LEAK}


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


def test_upgrade_diff_says_what_goes_away_and_what_starts() -> None:
    # The README's example: 2.15.0 -> 3.10.0 ends the never-awaited warning (reset) and starts
    # losing a queued write at shutdown (teardown).
    before = audit.audit(_locked("2.15.0"), ["3.11"], "linux", cache_dir=CACHE)
    after = audit.audit(_locked("3.10.0"), ["3.11"], "linux", cache_dir=CACHE)
    kinds = {(c.case, c.check): c.kind for c in audit.upgrade_diff(before, after)}
    assert kinds[("nicegui-4592", "reset")] == "goes away"
    assert kinds[("nicegui-4592", "teardown")] == "starts"
    assert kinds[("nicegui-4131", "exit-signal")] == "goes away"


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
