"""Every probe against a synthetic leak it must catch and a clean twin it must pass, each
run for real through the cell runner in a fresh interpreter."""

from __future__ import annotations

import sys

import pytest

from harness.run import probes
from harness.run.probes import Observation
from tests.conftest import make_check

CASES = {
    "temp_leftovers": ("temp_files.py", {"glob": "synthetic-*"}),
    "warnings": (
        "resource_warning.py",
        {"category": "ResourceWarning", "match": "Implicitly cleaning up"},
    ),
    "never_awaited": ("never_awaited.py", {"name": r"PersistentDict\.backup"}),
    "leaked_semaphores": ("semaphores.py", {}),
    "gc_survivors": ("survivors.py", {"label": "owners"}),
    "callbacks_not_run": ("callbacks.py", {"label": "close"}),
    "open_fds": ("descriptors.py", {"label": "files"}),
    "state_lost": ("state.py", {"label": "disk"}),
    "growth": ("growth.py", {"label": "registry"}),
    "threads_left": ("threads.py", {"label": "worker"}),
    "listeners_left": ("listeners.py", {"label": "server"}),
}


def test_every_registered_probe_has_a_synthetic_pair() -> None:
    assert set(CASES) == set(probes.PROBES)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("mode", ["leak", "clean"])
def test_probe_catches_the_leak_and_passes_the_clean_twin(judge, name: str, mode: str) -> None:
    if name == "leaked_semaphores" and sys.platform == "win32":
        pytest.skip("the resource tracker does not track semaphores on Windows")
    script, params = CASES[name]
    result, verdict = judge(make_check(script, mode, [(name, params)]))
    assert verdict.outcome == mode, (verdict.reason, result.observation.stderr)
    finding = verdict.findings[name]
    assert finding["outcome"] == mode
    assert result.observation.evidence["trigger"]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("mode", ["leak", "clean"])
def test_a_blinded_probe_gives_error_never_a_verdict(blind_judge, name: str, mode: str) -> None:
    if name == "leaked_semaphores" and sys.platform == "win32":
        pytest.skip("the resource tracker does not track semaphores on Windows")
    script, params = CASES[name]
    result, verdict = blind_judge(make_check(script, mode, [(name, params)]), name)
    assert verdict.outcome == probes.ERROR, (verdict.reason, result.observation.stderr)
    assert verdict.findings[name]["outcome"] == probes.ERROR


def test_never_awaited_ignores_other_coroutines(judge) -> None:
    _, verdict = judge(
        make_check(
            "never_awaited.py", "clean", [("never_awaited", {"name": r"PersistentDict\.backup"})]
        )
    )
    assert verdict.findings["never_awaited"]["other_never_awaited"] == ["Outbox.loop"]


@pytest.mark.parametrize(
    "name, params, key",
    [
        ("gc_survivors", {"label": "x"}, "gc"),
        ("callbacks_not_run", {"label": "x"}, "callbacks"),
        ("open_fds", {"label": "x"}, "fds"),
        ("state_lost", {"label": "x"}, "state"),
        ("threads_left", {"label": "x"}, "threads"),
        ("listeners_left", {"label": "x"}, "listeners"),
    ],
)
def test_probe_without_its_evidence_is_an_error(name: str, params: dict, key: str) -> None:
    finding = probes.assess(name, Observation({"trigger": ["ran"]}), params)
    assert finding.outcome == probes.ERROR
    assert key in finding.summary


def test_nothing_tracked_is_an_error_not_clean() -> None:
    observation = Observation({"gc": {"owners": {"tracked": 0, "survived": 0}}})
    assert probes.assess("gc_survivors", observation, {"label": "owners"}).outcome == probes.ERROR


def test_tracker_counts_are_read_whatever_the_line_prefix() -> None:
    stderr = (
        "/usr/lib/python3.8/multiprocessing/resource_tracker.py:216: UserWarning: "
        "resource_tracker: There appear to be 11 leaked semaphore objects to clean up at "
        "shutdown\n  warnings.warn('resource_tracker: There appear to be %d '\n"
        "resource_tracker: There appear to be 1 leaked shared_memory objects to clean up at "
        "shutdown: {'/psm_0d7ca1cc'}\n"
    )
    finding = probes.assess("leaked_semaphores", Observation({}, stderr=stderr), {})
    assert (finding.outcome, finding.data["count"]) == (probes.LEAK, 11)


@pytest.mark.parametrize(
    "name, params", [("nope", {}), ("gc_survivors", {}), ("temp_leftovers", {"pattern": "x"})]
)
def test_validate_rejects_unknown_probes_and_parameters(name: str, params: dict) -> None:
    with pytest.raises(ValueError):
        probes.validate(name, params)


@pytest.mark.parametrize(
    "name, params, observation",
    [
        ("temp_leftovers", {}, Observation({}, leftovers=("synthetic-1",))),
        (
            "warnings",
            {},
            Observation({"warnings": [{"category": "ResourceWarning", "message": "x"}]}),
        ),
        ("never_awaited", {"name": "x"}, Observation({}, stderr="coroutine 'x' was never awaited")),
        (
            "leaked_semaphores",
            {},
            Observation({}, stderr="There appear to be 6 leaked semaphore objects to clean up"),
        ),
        (
            "threads_left",
            {"label": "x"},
            Observation({"threads": {"x": {"before": [], "after": [{"name": "t", "ident": 1}]}}}),
        ),
        (
            "listeners_left",
            {"label": "x"},
            Observation(
                {
                    "listeners": {
                        "x": {
                            "before": [],
                            "after": [
                                {
                                    "family": "AF_INET",
                                    "type": "tcp",
                                    "address": "0.0.0.0",
                                    "port": 80,
                                }
                            ],
                        }
                    }
                }
            ),
        ),
    ],
)
def test_a_channel_without_its_canary_is_an_error_even_with_a_leak_on_it(
    name: str, params: dict, observation: Observation
) -> None:
    finding = probes.assess(name, observation, params)
    assert finding.outcome == probes.ERROR
    assert "canary" in finding.summary


def test_canaries_are_not_counted_as_leaks() -> None:
    from harness import child

    observation = Observation(
        {"warnings": [{"category": "ResourceWarning", "message": child.WARNING_CANARY}]},
        stderr="coroutine 'corpus_canary' was never awaited\n"
        "There appear to be 1 leaked shared_memory objects to clean up at shutdown",
        leftovers=(child.TEMP_CANARY + "abc",),
    )
    assert probes.assess("warnings", observation, {}).outcome == probes.CLEAN
    assert probes.assess("never_awaited", observation, {"name": ".*"}).outcome == probes.CLEAN
    assert probes.assess("leaked_semaphores", observation, {}).outcome == probes.CLEAN
    assert probes.assess("temp_leftovers", observation, {}).outcome == probes.CLEAN


def test_gc_summary_never_contradicts_its_counts() -> None:
    observation = Observation({"gc": {"o": {"tracked": 50, "survived": 20}}})
    finding = probes.assess("gc_survivors", observation, {"label": "o", "at_least": 25})
    assert finding.outcome == probes.CLEAN
    assert "20 of 50" in finding.summary and "all" not in finding.summary


@pytest.mark.parametrize(
    "points, outcome",
    [
        ([(10, 10), (20, 20), (30, 30), (40, 40)], probes.LEAK),
        ([(10, 8), (20, 8), (30, 8), (40, 8)], probes.CLEAN),
        # a threshold would call this a leak (40 retained); it stopped growing: bounded
        ([(10, 20), (20, 40), (30, 40), (40, 40)], probes.CLEAN),
        ([(10, 10), (20, 20)], probes.ERROR),  # too few steps to judge
        ([(10, 10), (10, 20), (30, 30), (40, 40)], probes.ERROR),  # trigger counts repeat
    ],
)
def test_growth_is_judged_at_every_step(points: list, outcome: str) -> None:
    observation = Observation({"growth": {"g": {"points": points}}})
    assert probes.assess("growth", observation, {"label": "g"}).outcome == outcome


def test_a_reproducer_cannot_overwrite_a_findings_outcome() -> None:
    finding = probes.Finding(probes.CLEAN, "ok", {"outcome": "leak", "summary": "forged"})
    assert finding.as_record()["outcome"] == probes.CLEAN
    assert finding.as_record()["summary"] == "ok"
