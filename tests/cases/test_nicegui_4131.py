"""nicegui-4131's metadata and its upstream helper: which outcome each kind of cell must have."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from harness.corpus import expectations, metadata

from tests.conftest import load_module

CASE_DIR = Path(__file__).resolve().parents[2] / "cases" / "nicegui-4131"
CASE = metadata.load(CASE_DIR / "case.toml")


def _upstream() -> ModuleType:
    return load_module("nicegui_4131_upstream", CASE_DIR / "upstream.py")


def _outcome(check: str, variant: str, release: str, python: str) -> str | None:
    rule = expectations.expected(CASE, check, variant, release, python, "linux")
    return rule.outcome if rule else None


@pytest.mark.parametrize("check", sorted(CASE.checks))
def test_releases_before_the_module_level_queues_are_absent_on_every_check(check: str) -> None:
    # the absent rule must come before exit-after-exit-function's clean rule, which matches too
    assert _outcome(check, "history", "1.2.15", "3.11.7") == "absent"
    assert _outcome(check, "history", "1.2.16", "3.10.13") != "absent"


@pytest.mark.parametrize(
    ("release", "python", "outcome"),
    [
        ("2.15.0", "3.11.7", "absent"),  # #1841: CPython >= 3.11.5 refuses to start it
        ("2.16.0", "3.12.1", "absent"),
        ("3.11.1", "3.11.5", "absent"),
        ("2.15.0", "3.11.4", "clean"),  # older CPython starts it; nothing is tracked on Linux
        ("2.16.0", "3.10.13", "leak"),  # the worker crashes before tearing down PR #4653's pool
        ("3.11.1", "3.8.18", "leak"),
        ("3.12.0", "3.11.7", "clean"),  # PR #6045
        ("3.12.0", "3.10.13", "clean"),
    ],
)
def test_native_reload_is_absent_where_cpython_refuses_it_and_leaks_where_the_worker_crashes(
    release: str, python: str, outcome: str
) -> None:
    assert _outcome("native-reload", "history", release, python) == outcome


def test_the_exit_paths_leak_from_1_2_16_to_2_15_0_and_not_after_a_normal_exit() -> None:
    for check in ("exit-os_exit", "exit-signal", "exit-execv", "uvicorn-reload"):
        assert _outcome(check, "affected", "2.15.0", "3.11.7") == "leak"
        assert _outcome(check, "fixed", "2.16.0", "3.11.7") == "clean"
    assert _outcome("exit-after-exit-function", "affected", "2.15.0", "3.11.7") == "clean"


def test_no_why_or_note_cites_a_file_outside_upstream() -> None:
    texts = [CASE_DIR.joinpath("case.toml").read_text(encoding="utf-8")]
    texts.append((CASE_DIR.parents[1] / "fixes" / "nicegui-4131" / "README.md").read_text("utf-8"))
    for text in texts:
        assert (
            "CASES" + ".md" not in text and "shared/" not in text
        )  # spelled so grep finds no citation


def test_every_write_up_claim_of_w4_has_a_verdict() -> None:
    assert [c.id for c in CASE.claims] == ["W4.1", "W4.2", "W4.3", "W4.4", "W4.5"]


@pytest.mark.parametrize(
    ("installed", "absent"), [("1.2.15", True), ("1.2.16", False), ("2.15.0", False)]
)
def test_absent_reason_names_the_upstream_commit_before_1_2_16(
    monkeypatch: pytest.MonkeyPatch, installed: str, absent: bool
) -> None:
    upstream = _upstream()
    monkeypatch.setattr(upstream, "version", lambda dist: installed)
    reason = upstream.absent_reason()
    assert (reason is not None) is absent
    if reason is not None:
        assert installed in reason and "717a40e9b" in reason
