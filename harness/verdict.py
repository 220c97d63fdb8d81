"""From runs to an outcome: ``leak``, ``clean``, ``error``, ``flaky`` (``skip`` is decided
before anything runs, by the plan).

A run is ``clean`` only when it finished as the check expects, proved that its trigger ran,
passed its built-in controls, carried the patch it was meant to carry, and every probe found
what it needs and no leak. Anything less is ``error`` with the reason. Repeats that disagree
are ``flaky``, never the majority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import probes
from .metadata import Check, Variant
from .runner import RunResult

LEAK, CLEAN, ERROR, SKIP, FLAKY = "leak", "clean", "error", "skip", "flaky"
OUTCOMES = (LEAK, CLEAN, ERROR, SKIP, FLAKY)
# The reason of an error cell whose environment could not be built starts with this.
ENV_FAILED = "does not install"
STDERR_TAIL = 2000


@dataclass(frozen=True)
class RunVerdict:
    outcome: str
    reason: str
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)


def _tail(text: str) -> str:
    return text[-STDERR_TAIL:]


def judge_run(result: RunResult, check: Check, variant: Variant) -> RunVerdict:
    obs = result.observation
    if result.timed_out:
        return RunVerdict(
            ERROR, f"timed out after {check.timeout:g}s; its process group was killed"
        )
    if result.stray:
        return RunVerdict(
            ERROR,
            f"processes still alive after the reproducer exited "
            f"(killed): {'; '.join(result.stray)}",
        )
    if result.exit_code not in check.exit_codes:
        return RunVerdict(
            ERROR, f"exit status {result.exit_code}; stderr ends: {_tail(obs.stderr)}"
        )
    if variant.patch and not obs.evidence.get("patched"):
        return RunVerdict(ERROR, f"the patch {variant.patch.name} was not applied")
    if not obs.evidence.get("trigger"):
        return RunVerdict(ERROR, "the trigger never ran: the reproducer recorded no proof of it")
    controls = obs.evidence.get("controls", {})
    failed = sorted(name for name, held in controls.items() if not held)
    if failed:
        return RunVerdict(ERROR, f"built-in control failed: {', '.join(failed)}")
    findings = {}
    for spec in check.probes:
        finding = probes.assess(spec.name, obs, spec.params)
        key = spec.name if spec.name not in findings else f"{spec.name}#{len(findings)}"
        findings[key] = {"outcome": finding.outcome, "summary": finding.summary, **finding.data}
    outcomes = {f["outcome"] for f in findings.values()}
    summaries = "; ".join(f["summary"] for f in findings.values())
    if ERROR in outcomes:
        return RunVerdict(ERROR, summaries, findings)
    return RunVerdict(LEAK if LEAK in outcomes else CLEAN, summaries, findings)


def combine(verdicts: list[RunVerdict]) -> tuple[str, str]:
    """One outcome for a cell's repeats, with its reason."""
    outcomes = [v.outcome for v in verdicts]
    if ERROR in outcomes:
        first = next(v for v in verdicts if v.outcome == ERROR)
        return ERROR, f"run {outcomes.index(ERROR) + 1} of {len(outcomes)}: {first.reason}"
    if len(set(outcomes)) > 1:
        return FLAKY, f"repeats disagree: {', '.join(outcomes)}"
    return outcomes[0], verdicts[0].reason


def agrees(outcome: str, expected: str | None) -> bool:
    """Whether a cell agrees with its expectation. A skip carries its reason and agrees;
    an error, a flaky cell or a cell with no expectation never does."""
    if outcome == SKIP:
        return True
    return expected is not None and outcome == expected
