"""The regression check sorts what changed against the baseline; only a leak that came back,
a reproducer that stopped giving a verdict, or drift that made a cell leak fail it."""

from __future__ import annotations

import pytest

from harness.studies import regression
from tests.report.test_tables import cell


def latest(
    python: str, outcome: str, version: str = "3.2.0", dists: dict | None = None, reason: str = "r"
) -> dict:
    c = cell("linux", python, outcome, "leak", reason, variant="latest")
    c["release"] = "latest"
    c["upstream"]["version"] = version
    c["distributions"] = dists or {"werkzeug": version}
    return c


def kinds(new: list[dict], old: list[dict]) -> list[str]:
    return [c.kind for c in regression.compare(new, old)]


def test_a_fixed_leak_that_comes_back_fails() -> None:
    changes = regression.compare([latest("3.12", "leak")], [latest("3.12", "clean", "3.1.0")])
    assert [c.kind for c in changes] == [regression.Kind.REGRESSION]
    assert regression.failing(changes) and "LEAKS again" in changes[0].message


def test_an_open_leak_fixed_upstream_is_a_notice_naming_the_expectation() -> None:
    changes = regression.compare([latest("3.12", "clean")], [latest("3.12", "leak", "3.1.0")])
    assert [c.kind for c in changes] == [regression.Kind.FIXED_UPSTREAM]
    assert not regression.failing(changes)
    assert "cases/werkzeug-3039/case.toml" in changes[0].message


def test_a_reproducer_that_no_longer_runs_fails() -> None:
    changes = regression.compare(
        [latest("3.12", "error", reason="ImportError: send_file")], [latest("3.12", "leak")]
    )
    assert [c.kind for c in changes] == [regression.Kind.BROKEN]
    assert regression.failing(changes) and "ImportError" in changes[0].message


def test_a_flip_the_baselines_dependencies_undo_is_drift_naming_them() -> None:
    old = latest("3.12", "clean", "3.1.0", {"werkzeug": "3.1.0", "flask": "3.0.0"})
    new = latest("3.12", "leak", "3.1.0", {"werkzeug": "3.1.0", "flask": "3.1.0"})
    again = latest("3.12", "clean", "3.1.0", {"werkzeug": "3.1.0", "flask": "3.0.0"})
    [change] = regression.compare([new], [old], [again])
    assert change.kind == regression.Kind.DRIFT and "flask 3.0.0 -> 3.1.0" in change.message
    assert "dependencies caused it" in change.message
    assert regression.failing([change])  # drift that makes a clean cell leak still fails


def test_a_flip_that_survives_the_baselines_dependencies_is_upstreams() -> None:
    """A newly published release of an unrelated dependency (PyYAML here) must not hide a
    reverted fix: with the baseline's dependencies pinned the cell still leaks."""
    old = latest("3.12", "clean", "3.1.0", {"werkzeug": "3.1.0", "PyYAML": "6.0.3"})
    new = latest("3.12", "leak", "3.1.0", {"werkzeug": "3.1.0", "PyYAML": "6.0.4"})
    again = latest("3.12", "leak", "3.1.0", {"werkzeug": "3.1.0", "PyYAML": "6.0.3"})
    [change] = regression.compare([new], [old], [again])
    assert change.kind == regression.Kind.REGRESSION, change.message
    assert "with the baseline's dependencies pinned it is still leak" in change.message
    assert "PyYAML 6.0.3 -> 6.0.4" in change.message


def test_a_fix_that_survives_the_baselines_dependencies_is_fixed_upstream() -> None:
    old = latest("3.12", "leak", "3.1.0", {"werkzeug": "3.1.0", "certifi": "1"})
    new = latest("3.12", "clean", "3.2.0", {"werkzeug": "3.2.0", "certifi": "2"})
    again = latest("3.12", "clean", "3.2.0", {"werkzeug": "3.2.0", "certifi": "1"})
    [change] = regression.compare([new], [old], [again])
    assert change.kind == regression.Kind.FIXED_UPSTREAM, change.message


@pytest.mark.parametrize("outcome, kind", [("leak", "regression"), ("clean", "dependency-drift")])
def test_a_flip_the_rerun_cannot_decide_says_so_and_a_leak_still_fails(outcome, kind) -> None:
    base = {"leak": "clean", "clean": "leak"}[outcome]
    old = latest("3.12", base, "3.1.0", {"werkzeug": "3.1.0", "flask": "1"})
    new = latest("3.12", outcome, "3.1.0", {"werkzeug": "3.1.0", "flask": "2"})
    broken = latest("3.12", "error", "3.1.0", reason="could not build: flask==1 conflicts")
    for pinned in ([broken], []):
        [change] = regression.compare([new], [old], pinned)
        assert change.kind == kind and "undecided" in change.message, change.message
        assert bool(regression.failing([change])) == (outcome == "leak")
    assert "flask==1 conflicts" in regression.compare([new], [old], [broken])[0].message


def test_only_cells_that_flipped_while_dependencies_drifted_are_run_again() -> None:
    base = [
        latest("3.11", "clean", "3.1.0", {"Werkzeug": "3.1.0", "flask": "1"}),
        latest("3.12", "clean", "3.1.0", {"werkzeug": "3.1.0", "flask": "1"}),
        latest("3.13", "clean", "3.1.0", {"werkzeug": "3.1.0", "flask": "1"}),
    ]
    cells = [
        latest("3.11", "leak", "3.2.0", {"werkzeug": "3.2.0", "flask": "2"}),  # flipped, drifted
        latest("3.12", "leak", "3.2.0", {"werkzeug": "3.2.0", "flask": "1"}),  # upstream only
        latest("3.13", "clean", "3.2.0", {"werkzeug": "3.2.0", "flask": "2"}),  # same verdict
    ]
    [(cell, pins)] = regression.to_separate(cells, base)
    assert cell is cells[0]
    assert pins == ["flask==1"]  # the baseline's dependencies, not its upstream release


def test_a_newer_unrelated_dependency_with_the_same_verdict_changes_nothing() -> None:
    old = latest("3.12", "leak", "3.1.0", {"werkzeug": "3.1.0", "certifi": "2026.10.18"})
    new = latest("3.12", "leak", "3.1.0", {"werkzeug": "3.1.0", "certifi": "2026.10.19.post0"})
    assert kinds([new], [old]) == [regression.Kind.UNCHANGED]
    assert regression.to_separate([new], [old]) == []


def test_unchanged_new_and_skipped() -> None:
    skipped = latest("3.14", "skip", reason="Python 3.14 is not installed")
    assert kinds(
        [latest("3.12", "leak"), latest("3.13", "leak"), skipped], [latest("3.12", "leak", "3.1.0")]
    ) == [regression.Kind.UNCHANGED, regression.Kind.NEW, regression.Kind.SKIPPED]


def test_the_report_names_the_releases_and_the_verdict() -> None:
    changes = regression.compare([latest("3.12", "leak")], [latest("3.12", "clean", "3.1.0")])
    text = regression.render(changes, {"werkzeug": ["3.2.0"]})
    assert "- werkzeug: 3.2.0" in text and "Verdict: FAIL" in text
