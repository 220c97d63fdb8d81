"""Judging a cell: from runs to an outcome (``skip`` is decided before anything runs, by the
plan), and from the outcome to whether the cell agrees with its case's expectation.

A run is ``clean`` only when it finished as the check expects, proved that its trigger ran
and reached the code that leaks (every path the check declares), passed its built-in
controls, carried the patch it was meant to carry, and every probe saw its channel live (its
canary) and no leak. A run whose release has no such code path (the
reproducer said so with ``child.absent``) is ``absent``. Anything less is ``error`` with the
reason. Repeats that disagree are ``flaky``, never the majority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.corpus import expectations
from harness.corpus.metadata import Case, Check, Variant
from harness.outcomes import REASON_TAIL, Outcome, shorten, tail
from harness.records import Cell
from harness.run import probes
from harness.run.runner import RunResult
from harness.run.sources import Source

# The reason of an error cell whose environment could not be built starts with this.
ENV_FAILED = "does not install"


@dataclass(frozen=True)
class RunVerdict:
    outcome: Outcome
    reason: str
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)


def _not_run(result: RunResult, check: Check, variant: Variant) -> str | None:
    """Why the run cannot be judged at all, or None."""
    obs = result.observation
    if result.timed_out:
        return f"timed out after {check.timeout:g}s; its process group was killed"
    if result.stray:
        return (
            f"processes still alive after the reproducer exited (killed): {'; '.join(result.stray)}"
        )
    if result.exit_code not in check.exit_codes:
        return f"exit status {result.exit_code}; stderr ends: {tail(obs.stderr, REASON_TAIL)}"
    if result.evidence_error:
        return f"the evidence file could not be read: {result.evidence_error}"
    if variant.patch and not obs.evidence.get("patched"):
        return f"the patch {variant.patch.name} was not applied"
    return None


def _unreached(check: Check, evidence: dict[str, Any]) -> list[str]:
    """The paths the check declares (``reaches``) that the run did not record."""
    reached = evidence.get("reached") or {}
    return [name for name in check.reaches if name not in reached]


def judge_run(result: RunResult, check: Check, variant: Variant) -> RunVerdict:
    failure = _not_run(result, check, variant)
    if failure:
        return RunVerdict(Outcome.ERROR, failure)
    evidence = result.observation.evidence
    if evidence.get("absent"):
        if evidence.get("trigger"):
            return RunVerdict(
                Outcome.ERROR, "the reproducer recorded both its trigger and that it is absent"
            )
        return RunVerdict(Outcome.ABSENT, f"no such code path: {evidence['absent']}")
    if not evidence.get("trigger"):
        return RunVerdict(
            Outcome.ERROR, "the trigger never ran: the reproducer recorded no proof of it"
        )
    unreached = _unreached(check, evidence)
    if unreached:
        return RunVerdict(
            Outcome.ERROR,
            f"the trigger never reached the code that leaks: no record of "
            f"{', '.join(unreached)} (child.reached)",
        )
    controls = evidence.get("controls", {})
    failed = sorted(name for name, held in controls.items() if not held)
    if failed:
        return RunVerdict(Outcome.ERROR, f"built-in control failed: {', '.join(failed)}")
    findings: dict[str, dict[str, Any]] = {}
    for spec in check.probes:
        finding = probes.assess(spec.name, result.observation, spec.params)
        key = spec.name if spec.name not in findings else f"{spec.name}#{len(findings)}"
        findings[key] = finding.as_record()
    outcomes = {f["outcome"] for f in findings.values()}
    summaries = "; ".join(f["summary"] for f in findings.values())
    if not findings:
        return RunVerdict(Outcome.ERROR, "the check names no probe: nothing judged the run")
    if Outcome.ERROR in outcomes:
        return RunVerdict(Outcome.ERROR, summaries, findings)
    return RunVerdict(
        Outcome.LEAK if Outcome.LEAK in outcomes else Outcome.CLEAN, summaries, findings
    )


def combine(verdicts: list[RunVerdict]) -> tuple[Outcome, str]:
    """One outcome for a cell's repeats, with its reason."""
    outcomes = [v.outcome for v in verdicts]
    if Outcome.ERROR in outcomes:
        first = next(v for v in verdicts if v.outcome == Outcome.ERROR)
        index = outcomes.index(Outcome.ERROR) + 1
        return Outcome.ERROR, f"run {index} of {len(outcomes)}: {first.reason}"
    if len(set(outcomes)) > 1:
        return Outcome.FLAKY, f"repeats disagree: {', '.join(map(str, outcomes))}"
    return outcomes[0], verdicts[0].reason


def expect(record: Cell, case: Case, source: Source | None, platform: str) -> None:
    """The judged cell's expectation (``expected``, ``expected_why``) and whether its outcome
    agrees with it (``agrees``), written into its record: the case's rule for the version and
    Python that ran; for a blinded cell, ``error`` whatever the rule; for a cell no rule covers,
    the reason naming the missing rule."""
    rule = None
    version, python = record["upstream"]["version"], record["python"]
    if version and python:
        rule = expectations.expected(
            case, record["check"], record["variant"], version, python, platform
        )
    record["expected"] = rule.outcome if rule else None
    record["expected_why"] = rule.why if rule else None
    if rule and source is not None:
        record["expected_why"] = (
            f"{rule.why} [unreleased {source.kind} {source.location}: the rules "
            f"are applied to the version it declares, {version}]"
        )
    if record["blind"]:
        record["expected"] = Outcome.ERROR
        record["expected_why"] = (
            f"blinded on {', '.join(record['blind'])}: with the channel off, the run has no "
            f"proof it could have seen the leak, so it must be an error, never clean"
        )
    elif rule is None and record["outcome"] != Outcome.SKIP:
        # Only a skipped cell has no interpreter (plan.resolve), so python is known here.
        record["expected_why"] = no_rule(
            record["case"],
            record["check"],
            record["variant"],
            f"{record['upstream']['package']} {version}",
            python,
            platform,
        )
    record["agrees"] = agrees(record["outcome"], record["expected"])


def agrees(outcome: str, expected: str | None) -> bool | None:
    """Whether a cell agrees with its expectation: None for a skip (it ran nothing, so it
    neither agrees nor disagrees); an error, a flaky cell or a cell no rule covers never
    agrees."""
    if outcome == Outcome.SKIP:
        return None
    return expected is not None and outcome == expected


def no_rule(case: str, check: str, variant: str, upstream: str, python: str | None, os: str) -> str:
    """The reason a cell that no expectation rule covers carries: which rule is missing."""
    return shorten(
        f"no [[expect]] rule of cases/{case}/case.toml covers check {check!r}, variant "
        f"{variant!r}, {upstream}, Python {python}, {os}: add one that rests on an upstream fact",
        400,
    )
