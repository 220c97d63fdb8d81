"""The static audit: the cases' own rules applied to a pinned release, a Python and an OS.
Release lists come from tests/fake_pypi.py (offline), and once from PyPI itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.audit import static
from harness.audit.lockfiles import Locked, LockError, Pin
from harness.audit.static import Status
from harness.corpus import answer as answers
from harness.corpus import metadata
from harness.corpus.metadata import ROOT
from harness.outcomes import Outcome
from harness.run import interpreters, pypi
from tests.corpus.test_metadata import write_case
from tests.fake_pypi import offline_pypi  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("offline_pypi")
CACHE = ROOT / ".nox" / "pypi"
PYPI_RELEASES = pypi.releases  # the real one, before the fixture replaces it


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


def ask(case: metadata.Case, version: str, cells: tuple = ()) -> static.CaseAnswer:
    return static.ask(case, version, "3.11.7", "linux", answers.Cells(cells))


def test_a_check_no_rule_covers_is_unknown_never_dropped(tmp_path: Path) -> None:
    # No rule covers "starts" on 3.0.6 and no check leaks there: unknown, not not-affected.
    quiet = dict.fromkeys(RULES, ("clean", "clean"))
    found = ask(synthetic(tmp_path, {**quiet, "starts": (None, "leak")}), "3.0.6")
    checks = {c.check: c.outcome for c in found.checks}
    assert found.status == Status.UNKNOWN and "starts" in checks and checks["starts"] is None
    # A leak elsewhere makes the case affected; the uncovered check is still listed.
    found = ask(synthetic(tmp_path, {**RULES, "starts": (None, "leak")}), "3.0.6")
    checks = {c.check: c.outcome for c in found.checks}
    assert found.status == Status.AFFECTED and "starts" in checks and checks["starts"] is None


def test_absent_when_every_answer_says_absent(tmp_path: Path) -> None:
    case = synthetic(tmp_path, dict.fromkeys(RULES, ("absent", "absent")))
    assert ask(case, "3.1.9").status == Status.ABSENT


def _cell(check: str, release: str, outcome: Outcome) -> answers.Cell:
    return answers.Cell(
        "demo-1", check, "affected", release, "3.11.7", "linux", outcome, "", "f.json", "run"
    )


def test_a_committed_cell_answers_before_the_rule(tmp_path: Path) -> None:
    # The rules say every check is clean on 3.1.9; a cell there that leaks, or gave no verdict,
    # is what the pin is told.
    case = synthetic(tmp_path, dict.fromkeys(RULES, ("clean", "clean")))
    assert ask(case, "3.1.9").status == Status.NOT_AFFECTED
    assert ask(case, "3.1.9", (_cell("same", "3.1.9", Outcome.LEAK),)).status == Status.AFFECTED
    assert ask(case, "3.1.9", (_cell("same", "3.1.9", Outcome.ERROR),)).status == Status.UNKNOWN


def test_a_case_of_other_oses_is_not_affected_and_says_so(tmp_path: Path) -> None:
    found = static.ask(synthetic(tmp_path, RULES), "3.0.6", "3.11.7", "win32", answers.Cells())
    assert found.status == Status.NOT_AFFECTED and not found.checks
    assert found.note == "the leak exists on linux only, not on win32"


def test_first_clean_release_on_the_line_and_overall(tmp_path: Path) -> None:
    case = synthetic(
        tmp_path, {**dict.fromkeys(RULES, ("clean", "clean")), "gone": ("leak", "clean")}
    )
    assert static.first_clean(case, "3.0.6", "3.11.7", "linux", answers.Cells(), CACHE) == (
        "3.1.9",
        "3.1.9",
    )
    # A cell of 3.1.9 that still leaks outweighs the rule: no clean release is known.
    leaks = answers.Cells([_cell("gone", "3.1.9", Outcome.LEAK)])
    assert static.first_clean(case, "3.0.6", "3.11.7", "linux", leaks, CACHE) == (None, None)


def test_only_an_affected_pin_is_shown_an_upgrade(tmp_path: Path) -> None:
    case = synthetic(tmp_path, {**dict.fromkeys(RULES, ("absent", "clean"))})
    [absent] = static.audit(
        _locked("3.0.6", "werkzeug"), ["3.11.7"], "linux", [case], CACHE, answers.Cells()
    )
    assert absent.status == Status.ABSENT
    assert (absent.first_clean_on_line, absent.first_clean) == (None, None)
    case = synthetic(
        tmp_path, {**dict.fromkeys(RULES, ("absent", "clean")), "gone": ("leak", "clean")}
    )
    [hit] = static.audit(
        _locked("3.0.6", "werkzeug"), ["3.11.7"], "linux", [case], CACHE, answers.Cells()
    )
    assert hit.status == Status.AFFECTED and hit.first_clean == "3.1.9"


def test_a_python_line_is_read_at_a_patch_level_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SYNTHETIC + (
        '\n[[expect]]\nupstream = ">=3"\npython = ">=3.11.5"\noutcome = "leak"\nwhy = "new"\n'
        '\n[[expect]]\nupstream = ">=3"\noutcome = "clean"\nwhy = "old"\n'
    )
    case = metadata.load(write_case(tmp_path, text))
    monkeypatch.setattr(
        interpreters, "full_version", lambda p: p if p.count(".") == 2 else p + ".7"
    )
    locked = _locked("3.0.6", "werkzeug")
    [read] = static.audit(locked, ["3.11"], "linux", [case], CACHE, answers.Cells())
    assert (read.python, read.python_full, read.status) == ("3.11", "3.11.7", Status.AFFECTED)
    [given] = static.audit(locked, ["3.11.0"], "linux", [case], CACHE, answers.Cells())
    assert (given.python, given.python_full, given.status) == (
        "3.11",
        "3.11.0",
        Status.NOT_AFFECTED,
    )


def test_a_reference_without_a_version_is_unknown_with_its_reason(tmp_path: Path) -> None:
    path = Path("requirements.txt")
    pin = Pin("werkzeug", None, path, 3, reference="git+https://x/werkzeug.git", unknown="no tag")
    locked = Locked(path, "requirements", (pin,))
    [found] = static.audit(
        locked, ["3.11.7"], "linux", [synthetic(tmp_path, RULES)], CACHE, answers.Cells()
    )
    assert (
        found.status == Status.UNKNOWN and found.answer.note == "git+https://x/werkzeug.git: no tag"
    )


def _locked(version: str, package: str = "nicegui") -> Locked:
    path = Path("requirements.txt")
    return Locked(path, "requirements", (Pin(package, version, path, 7),))


def test_upgrade_diff_says_what_goes_away_starts_stays_and_changes(tmp_path: Path) -> None:
    case = synthetic(tmp_path, RULES)
    before = static.audit(
        _locked("3.0.6", "werkzeug"), ["3.11"], "linux", [case], CACHE, answers.Cells()
    )
    after = static.audit(
        _locked("3.1.9", "werkzeug"), ["3.11"], "linux", [case], CACHE, answers.Cells()
    )
    kinds = {c.check: c.kind for c in static.upgrade_diff(before, after)}
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
        before = static.audit(_locked(old), ["3.11"], "linux", cache_dir=CACHE)
        after = static.audit(_locked(new), ["3.11"], "linux", cache_dir=CACHE)
        return {(c.case, c.check): c.kind for c in static.upgrade_diff(before, after)}

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
        static.audit(_locked("99.0"), ["3.11"], "linux", cache_dir=CACHE)
    with pytest.raises(LockError, match=r"requirements.txt:7: werkzeug 3.1.9 requires Python"):
        static.audit(_locked("3.1.9", "werkzeug"), ["3.8"], "linux", cache_dir=CACHE)


@pytest.mark.matrix
def test_first_clean_from_pypi_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pypi, "releases", PYPI_RELEASES)
    case = metadata.load_case("nicegui-4592")
    cells = answers.committed([case])
    assert static.first_clean(case, "2.15.0", "3.10.0", "linux", cells, CACHE) == (None, "3.17.0")
    assert static.first_clean(case, "2.15.0", "3.11.7", "linux", cells, CACHE) == (
        "2.16.0",
        "2.16.0",
    )


def test_each_leaking_check_says_where_it_ends() -> None:
    # pywebview 5.4 deletes the folder, but no release ends the ResourceWarning: the case stays
    # affected, and each check says so on its own.
    found = static.audit(_locked("5.3.2", "pywebview"), ["3.11"], "win32", cache_dir=CACHE)
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
