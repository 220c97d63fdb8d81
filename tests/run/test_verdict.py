from __future__ import annotations

import pytest

from harness.corpus import metadata
from harness.run import verdict
from harness.run.probes import Observation
from harness.run.runner import RunResult
from harness.run.verdict import RunVerdict
from tests.conftest import make_check, make_variant
from tests.corpus.test_metadata import VALID, write_case


@pytest.mark.parametrize(
    "outcomes, combined",
    [
        (["leak", "leak", "leak"], "leak"),
        (["clean"], "clean"),
        (["leak", "clean", "leak"], "flaky"),
        (["leak", "error", "leak"], "error"),
        (["clean", "clean", "error"], "error"),
    ],
)
def test_repeats_combine_without_a_majority_vote(outcomes: list[str], combined: str) -> None:
    outcome, reason = verdict.combine([RunVerdict(o, f"r{i}") for i, o in enumerate(outcomes)])
    assert outcome == combined
    if combined == "flaky":
        assert "disagree" in reason


@pytest.mark.parametrize(
    "outcome, expected, agrees",
    [
        ("leak", "leak", True),
        ("clean", "leak", False),
        ("skip", "leak", None),
        ("skip", None, None),
        ("absent", "absent", True),
        ("absent", "clean", False),
        ("clean", "absent", False),
        ("error", "leak", False),
        ("flaky", "clean", False),
        ("leak", None, False),
    ],
)
def test_agreement(outcome: str, expected: str | None, agrees: bool | None) -> None:
    assert verdict.agrees(outcome, expected) is agrees


def _result(evidence: dict, stderr: str = "", **kw) -> RunResult:
    fields = {"exit_code": 0, "timed_out": False, "stray": (), "duration_s": 0.1, **kw}
    return RunResult(Observation(evidence, stderr=stderr), **fields)


CHECK = make_check("survivors.py", "leak", [("gc_survivors", {"label": "o"})])


def test_repeats_name_the_run_that_failed_and_list_disagreeing_outcomes() -> None:
    runs = [RunVerdict("leak", "a"), RunVerdict("error", "boom"), RunVerdict("leak", "c")]
    assert verdict.combine(runs) == ("error", "run 2 of 3: boom")
    runs = [RunVerdict("leak", "a"), RunVerdict("clean", "b"), RunVerdict("leak", "c")]
    assert verdict.combine(runs) == ("flaky", "repeats disagree: leak, clean, leak")


@pytest.mark.parametrize(
    "evidence, outcome, reason",
    [
        ({"absent": "no queues before 1.2.16"}, "absent", "no such code path: no queues before"),
        (
            {"absent": "x", "trigger": ["ran"]},
            "error",
            "the reproducer recorded both its trigger and that it is absent",
        ),
        ({}, "error", "the trigger never ran: the reproducer recorded no proof of it"),
        ({"trigger": ["ran"], "controls": {"a": True, "b": False}}, "error", "control failed: b"),
        (
            {"trigger": ["ran"], "gc": {"o": {"tracked": 5, "survived": 5}}},
            "leak",
            "5 of 5 dropped objects survived (o)",
        ),
    ],
)
def test_a_run_is_judged_with_its_reason(evidence: dict, outcome: str, reason: str) -> None:
    judged = verdict.judge_run(_result(evidence), CHECK, make_variant())
    assert judged.outcome == outcome and reason in judged.reason, judged.reason


def test_a_contradiction_is_named_exactly() -> None:
    judged = verdict.judge_run(_result({"absent": "x", "trigger": ["t"]}), CHECK, make_variant())
    assert judged.reason == "the reproducer recorded both its trigger and that it is absent"


def test_a_crash_quotes_the_end_of_stderr_only() -> None:
    stderr = "noise " * 2000 + "ValueError: the deciding line"
    judged = verdict.judge_run(_result({}, exit_code=1, stderr=stderr), CHECK, make_variant())
    quoted = judged.reason.split("stderr ends: ", 1)[1]
    assert quoted.endswith("ValueError: the deciding line") and len(quoted) == 240


def test_every_stray_process_is_named() -> None:
    judged = verdict.judge_run(
        _result({"trigger": ["x"]}, stray=("1 sleep", "2 sleep")), CHECK, make_variant()
    )
    assert judged.outcome == "error" and judged.reason.endswith("(killed): 1 sleep; 2 sleep")


def test_the_missing_rule_is_named_in_full() -> None:
    text = verdict.no_rule("c" * 300, "check", "variant", "pkg 1.0", "3.11.7", "linux")
    assert len(text) == 400 and text.endswith("…")
    assert len(verdict.no_rule("c", "k", "v", "pkg 1.0", "3.11.7", "linux")) < 300


def test_reasons_are_exact_and_name_every_failed_control() -> None:
    judge = lambda evidence: verdict.judge_run(_result(evidence), CHECK, make_variant())  # noqa: E731
    assert judge({}).reason == "the trigger never ran: the reproducer recorded no proof of it"
    failed = judge({"trigger": ["t"], "controls": {"b": False, "a": False}})
    assert failed.reason == "built-in control failed: a, b"


def test_two_probes_of_one_name_keep_both_findings_and_join_their_summaries() -> None:
    check = make_check(
        "survivors.py", "leak", [("gc_survivors", {"label": "o"}), ("gc_survivors", {"label": "p"})]
    )
    evidence = {
        "trigger": ["t"],
        "gc": {"o": {"tracked": 2, "survived": 0}, "p": {"tracked": 2, "survived": 2}},
    }
    judged = verdict.judge_run(_result(evidence), check, make_variant())
    assert list(judged.findings) == ["gc_survivors", "gc_survivors#1"]
    assert judged.outcome == "leak"
    assert (
        judged.reason
        == "all 2 dropped objects were collected (o); 2 of 2 dropped objects survived (p)"
    )


def test_a_check_without_probes_is_an_error() -> None:
    check = make_check("survivors.py", "leak", [])
    judged = verdict.judge_run(_result({"trigger": ["t"]}), check, make_variant())
    assert (judged.outcome, judged.reason) == (
        "error",
        "the check names no probe: nothing judged the run",
    )


def test_a_probe_error_gives_its_summary_as_the_runs_reason() -> None:
    check = make_check("survivors.py", "leak", [("gc_survivors", {"label": "o"})])
    evidence = {"trigger": ["t"], "gc": {"o": {"tracked": 0, "survived": 0}}}
    judged = verdict.judge_run(_result(evidence), check, make_variant())
    assert (judged.outcome, judged.reason) == (
        "error",
        "no object was tracked (o): nothing was dropped",
    )


PATHED = make_check(
    "survivors.py", "leak", [("gc_survivors", {"label": "o"})], reaches=("spooled", "loaded")
)
LEAKING = {"trigger": ["t"], "gc": {"o": {"tracked": 2, "survived": 2}}}


def test_a_run_without_a_declared_path_record_is_an_error_even_when_it_leaks() -> None:
    evidence = {**LEAKING, "reached": {"loaded": "from the temp dir"}}
    judged = verdict.judge_run(_result(evidence), PATHED, make_variant())
    assert (judged.outcome, judged.reason) == (
        "error",
        "the trigger never reached the code that leaks: no record of spooled (child.reached)",
    )


def test_a_run_with_every_declared_path_record_is_judged_by_its_probes() -> None:
    evidence = {**LEAKING, "reached": {"loaded": "x", "spooled": "y"}}
    judged = verdict.judge_run(_result(evidence), PATHED, make_variant())
    assert (judged.outcome, judged.reason) == ("leak", "2 of 2 dropped objects survived (o)")


@pytest.mark.parametrize("mode, outcome", [("reached", "leak"), ("unreached", "error")])
def test_the_path_record_of_a_real_run_decides_between_a_verdict_and_an_error(
    judge, mode: str, outcome: str
) -> None:
    check = make_check(
        "reached.py", mode, [("gc_survivors", {"label": "o"})], reaches=("kept-in-a-list",)
    )
    result, judged = judge(check)
    assert judged.outcome == outcome, judged.reason
    assert ("kept-in-a-list" in result.observation.evidence.get("reached", {})) == (
        mode == "reached"
    )


def _record(outcome: str, version: str | None, blind: tuple[str, ...] = ()) -> dict:
    return {
        "case": "demo-1",
        "check": "main",
        "variant": "affected",
        "python": "3.11.7" if version else None,
        "upstream": {"package": "demo", "version": version},
        "outcome": outcome,
        "blind": list(blind),
    }


@pytest.fixture
def demo_case(tmp_path):
    return metadata.load(write_case(tmp_path, VALID))


def test_a_cell_is_expected_what_its_rule_says_and_agrees_with_it(demo_case) -> None:
    record = _record("leak", "1.0")
    verdict.expect(record, demo_case, None, "linux")
    assert (record["expected"], record["expected_why"], record["agrees"]) == (
        "leak",
        "issue #1",
        True,
    )
    clean = _record("clean", "1.0")
    verdict.expect(clean, demo_case, None, "linux")
    assert clean["agrees"] is False


def test_a_blinded_cell_is_expected_error_whatever_the_rule(demo_case) -> None:
    record = _record("clean", "1.0", blind=("gc_survivors",))
    verdict.expect(record, demo_case, None, "linux")
    assert record["expected"] == "error" and record["agrees"] is False
    assert record["expected_why"].startswith("blinded on gc_survivors:")


def test_a_cell_no_rule_covers_names_the_missing_rule_and_a_skip_neither_agrees(demo_case) -> None:
    record = _record("leak", "0.9")
    verdict.expect(record, demo_case, None, "linux")
    assert record["expected"] is None and record["agrees"] is False
    assert "no [[expect]] rule of cases/demo-1/case.toml" in record["expected_why"]
    skipped = _record("skip", None)
    verdict.expect(skipped, demo_case, None, "linux")
    assert skipped["expected_why"] is None and skipped["agrees"] is None
