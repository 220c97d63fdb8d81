"""The regression check sorts what changed against the baseline; only a leak that came back,
a reproducer that stopped giving a verdict, or drift that made a cell leak fail it."""

from __future__ import annotations

from harness import regression

from .test_report import cell


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
    assert [c.kind for c in changes] == [regression.REGRESSION]
    assert regression.failing(changes) and "LEAKS again" in changes[0].message


def test_an_open_leak_fixed_upstream_is_a_notice_naming_the_expectation() -> None:
    changes = regression.compare([latest("3.12", "clean")], [latest("3.12", "leak", "3.1.0")])
    assert [c.kind for c in changes] == [regression.FIXED_UPSTREAM]
    assert not regression.failing(changes)
    assert "cases/werkzeug-3039/case.toml" in changes[0].message


def test_a_reproducer_that_no_longer_runs_fails() -> None:
    changes = regression.compare(
        [latest("3.12", "error", reason="ImportError: send_file")], [latest("3.12", "leak")]
    )
    assert [c.kind for c in changes] == [regression.BROKEN]
    assert regression.failing(changes) and "ImportError" in changes[0].message


def test_dependency_drift_is_named() -> None:
    old = latest("3.12", "clean", "3.1.0", {"werkzeug": "3.1.0", "flask": "3.0.0"})
    new = latest("3.12", "leak", "3.1.0", {"werkzeug": "3.1.0", "flask": "3.1.0"})
    [change] = regression.compare([new], [old])
    assert change.kind == regression.DRIFT and "flask 3.0.0 -> 3.1.0" in change.message
    assert regression.failing([change])


def test_unchanged_new_and_skipped() -> None:
    skipped = latest("3.14", "skip", reason="Python 3.14 is not installed")
    assert kinds(
        [latest("3.12", "leak"), latest("3.13", "leak"), skipped], [latest("3.12", "leak", "3.1.0")]
    ) == [regression.UNCHANGED, regression.NEW, regression.SKIPPED]


def test_the_report_names_the_releases_and_the_verdict() -> None:
    changes = regression.compare([latest("3.12", "leak")], [latest("3.12", "clean", "3.1.0")])
    text = regression.render(changes, {"werkzeug": ["3.2.0"]})
    assert "- werkzeug: 3.2.0" in text and "Verdict: FAIL" in text
