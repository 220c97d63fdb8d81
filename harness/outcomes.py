"""The corpus's one vocabulary of outcomes, and the small helpers every module shares to talk
about cells: the order of Python versions, the way a long reason is shortened and how much of
a process's output is kept.

An outcome is one of:

- ``leak``: the trigger ran and a probe saw the leak;
- ``clean``: the trigger ran, every probe's channel was shown live (its canary was seen), every
  control held, and no probe saw a leak;
- ``absent``: the release has no such code path, so the trigger cannot exist there (the
  reproducer said why); never counted or shown as clean;
- ``error``: no verdict: no proof of the trigger, a dead channel, a failed control, a crash, a
  timeout, processes left behind, a harness fault in this cell;
- ``skip``: the cell cannot run here (interpreter missing, Requires-Python, platform), with the
  reason; never counted as an agreement;
- ``flaky``: repeats disagree (never decided by majority).
"""

from __future__ import annotations

from enum import Enum


class Word(str, Enum):
    """A word of the vocabulary: compares as the string it is, prints as itself (every word a
    report, a result file or the audit writes: outcomes, audit statuses, regression kinds)."""

    def __str__(self) -> str:
        return str(self.value)


class Outcome(Word):
    LEAK = "leak"
    CLEAN = "clean"
    ABSENT = "absent"
    ERROR = "error"
    SKIP = "skip"
    FLAKY = "flaky"


# Outcomes a probe may give one run (the rest belong to cells).
FINDINGS = (Outcome.LEAK, Outcome.CLEAN, Outcome.ERROR)
# Outcomes that are a verdict on the release: what expectations can state.
VERDICTS = (Outcome.LEAK, Outcome.CLEAN, Outcome.ABSENT)
# Outcomes of cells that ran but gave no verdict.
NO_VERDICT = (Outcome.ERROR, Outcome.FLAKY)


def python_key(version: str) -> tuple[int, ...]:
    """Sort key of a Python version such as "3.9" or "3.12.1" (3.9 before 3.12)."""
    return tuple(int(part) for part in version.split(".") if part.isdigit())


STDERR_TAIL = 4000  # characters of a process's stderr kept in a run's evidence
REASON_TAIL = 240  # characters of it quoted in a reason (which is shown shortened from its start)


def tail(text: str, size: int = STDERR_TAIL) -> str:
    """The end of a process's output: evidence keeps STDERR_TAIL, a reason quotes REASON_TAIL,
    so the line that decided a crash survives a reason shortened for a table."""
    return text[-size:]


def shorten(text: str, width: int = 300) -> str:
    """One line of at most ``width`` characters: whitespace folded, an ellipsis if cut."""
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"
