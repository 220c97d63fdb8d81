"""What a cell's evidence shows a reader: the runs grouped when they agree, the lines that
decided the verdict (highlighted in stderr), warnings with file and line, leftover names, the
controls, what a simulation assumed, and the command that reruns exactly that cell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from harness import text
from harness.child import TEMP_CANARY
from harness.outcomes import Outcome
from harness.records import Cell, RunEvidence

STDERR_LINES = 6  # last lines of stderr shown; decisive lines before them are shown as well
LINE_WIDTH = 240
# The last line of a traceback: "ValueError: ...", "nicegui.x.SomeError", "KeyboardInterrupt".
_EXCEPTION = re.compile(r"^[\w.]*(Error|Exception|Interrupt|Exit|Warning)\b")


@dataclass(frozen=True)
class Warned:
    """The warnings of one category raised at one place (a leak raises the same one per object:
    its place is said once, each distinct message kept)."""

    category: str
    where: str  # file:line, shortened to the package-relative path
    messages: tuple[str, ...]


@dataclass(frozen=True)
class RunGroup:
    runs: str  # "1", "1-3", "2, 3"
    outcome: str
    exit_code: int | None
    findings: tuple[tuple[str, str, str], ...]  # (probe, outcome, summary)
    trigger: str


@dataclass(frozen=True)
class Part:
    """One piece of a cell's evidence. Pieces equal in every cell of a row are shown once."""

    kind: str  # expected, reason, runs, warnings, leftovers, controls, assumptions, stderr
    value: Any


def _short_path(where: str) -> str:
    for marker in ("site-packages/", "site-packages\\", "/lib/python", "\\Lib\\"):
        if marker in where:
            tail = where.split(marker, 1)[1]
            return tail.split("/", 1)[1] if marker == "/lib/python" and "/" in tail else tail
    return where


def _needles(cell: Cell) -> list[str]:
    """Strings whose presence makes a stderr line decisive: what a deciding probe matched."""
    wanted = cell["outcome"] if cell["outcome"] in (Outcome.LEAK, Outcome.CLEAN) else None
    found: list[str] = []
    for run in cell["evidence"]["runs"]:
        for finding in run["findings"].values():
            if wanted and finding["outcome"] != wanted and finding["outcome"] != Outcome.ERROR:
                continue
            found += [str(x) for x in finding.get("lines", [])]
            found += [str(s.get("message", "")) for s in finding.get("seen", [])]
            found += [str(x) for x in finding.get("matched", [])]
    return [n.strip() for n in found if n.strip()]


def _stderr(cell: Cell) -> list[tuple[str, bool]]:
    runs = cell["evidence"]["runs"]
    tail = next((r["stderr_tail"] for r in reversed(runs) if r["stderr_tail"].strip()), "")
    lines = [text.line(x, LINE_WIDTH) for x in text.plain(tail).splitlines() if x.strip()]
    if not lines:
        return []
    needles = _needles(cell)
    decisive = {i for i, x in enumerate(lines) if any(n in x or x in n for n in needles)}
    if not decisive and cell["outcome"] in (Outcome.ERROR, Outcome.FLAKY):
        errors = [i for i, x in enumerate(lines) if _EXCEPTION.match(x)]
        decisive = set(errors[-1:])
    start = max(0, len(lines) - STDERR_LINES)
    keep = sorted(decisive | set(range(start, len(lines))))
    shown: list[tuple[str, bool]] = []
    for before, index in zip([-1, *keep], keep):
        if index != before + 1:
            shown.append(("…", False))
        shown.append((lines[index], index in decisive))
    return shown


def _warnings(runs: list[RunEvidence]) -> list[Warned]:
    places: dict[tuple[str, str], dict[str, None]] = {}
    for run in runs:
        entries = list(run["recorded"].get("warnings", []))
        for finding in run["findings"].values():
            entries += finding.get("seen", [])
        for entry in entries:
            if isinstance(entry, dict):
                place = (
                    text.line(entry.get("category", "warning"), 60),
                    text.line(_short_path(str(entry.get("where", "?"))), 120),
                )
                message = text.line(entry.get("message", ""), LINE_WIDTH)
                places.setdefault(place, {})[message] = None
    return [Warned(*place, tuple(messages)) for place, messages in places.items()]


def _names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"{k} ({v})" for k, v in value.items()]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _leftovers(runs: list[RunEvidence]) -> list[str]:
    """What the runs left behind; the temp-dir canary is proof the channel was live (the
    probe's reason says it was seen), not something left behind."""
    names: dict[str, None] = {}
    for run in runs:
        found = [n for n in run.get("leftovers", []) if not n.startswith(TEMP_CANARY)]
        for key in ("leftover_files", "files_left", "temp_entries"):
            found += _names(run["recorded"].get(key))
        for finding in run["findings"].values():
            found += _names(finding.get("left"))
        names.update((text.line(n, 120), None) for n in found)
    return list(names)


def _assumptions(runs: list[RunEvidence]) -> list[tuple[str, str, str]]:
    """(name, assumed, source) of each assumption a simulated run recorded (child.assumption)."""
    found: dict[str, tuple[str, str, str]] = {}
    for run in runs:
        for name, entry in run["recorded"].get("assumptions", {}).items():
            if isinstance(entry, dict):
                found[name] = (
                    text.line(name, 80),
                    text.line(str(entry.get("assumed", "")), LINE_WIDTH),
                    text.line(str(entry.get("source", "")), LINE_WIDTH),
                )
    return list(found.values())


def _ranges(numbers: list[int]) -> str:
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(map(str, numbers))


def _groups(runs: list[RunEvidence]) -> list[RunGroup]:
    grouped: dict[tuple[Any, ...], list[int]] = {}
    for number, run in enumerate(runs, 1):
        findings = tuple(
            (name, f["outcome"], text.line(f["summary"], LINE_WIDTH))
            for name, f in run["findings"].items()
        )
        trigger = text.line("; ".join(map(str, run["recorded"].get("trigger", []))), 400)
        key = (run["outcome"], run["exit_code"], findings, trigger)
        grouped.setdefault(key, []).append(number)
    return [
        RunGroup(_ranges(numbers), outcome, code, findings, trigger)
        for (outcome, code, findings, trigger), numbers in grouped.items()
    ]


def command(cell: Cell, python: str | None = None, version: str | None = None) -> str:
    """The command that reruns exactly this cell: same case, check, variant, release, Python
    (python and version replace the cell's, e.g. by placeholders)."""
    parts = [
        f"nox -s run -p {python or cell['python_requested']} -- {cell['case']}",
        f"--variant {cell['variant']} --check {cell['check']}",
    ]
    upstream = cell["upstream"]
    source = upstream.get("source")
    if source:  # unreleased code: the same tree or reference, never a release of that version
        option = "--upstream-path" if source["kind"] == "path" else "--upstream"
        location = (
            source["location"]
            if source["kind"] == "path"
            else (f"'{upstream['package']} @ {source['location']}'")
        )
        parts.append(f"{option} {location}")
    elif version or upstream.get("version"):
        parts.append(f"--upstream {upstream['package']}=={version or upstream['version']}")
    return " ".join(parts)


def of(cell: Cell) -> tuple[Part, ...]:
    """The pieces of a cell's evidence, in the order a reader needs them."""
    runs = cell["evidence"]["runs"]
    controls: dict[str, bool] = {}
    for run in runs:
        for name, held in run["recorded"].get("controls", {}).items():
            controls[name] = controls.get(name, True) and bool(held)
    groups = _groups(runs)
    summaries = {"; ".join(s for _, _, s in g.findings) for g in groups}
    reason = text.line(cell["reason"], 600)
    parts = [
        Part("expected", (cell["expected"], cell["expected_why"])),
        Part("reason", reason) if {reason} != summaries else None,
        Part("runs", tuple(groups)) if groups else None,
        Part("warnings", tuple(_warnings(runs))),
        Part("leftovers", tuple(_leftovers(runs))),
        Part("controls", tuple((text.line(k, 80), v) for k, v in controls.items())),
        Part("assumptions", tuple(_assumptions(runs))),
        Part("stderr", tuple(_stderr(cell))),
    ]
    return tuple(p for p in parts if p is not None and p.value)


def shared(cells: list[Cell]) -> tuple[tuple[Part, ...], list[tuple[Part, ...]]]:
    """The pieces every one of cells shows (when there are several), and each cell's others."""
    each = [of(cell) for cell in cells]
    common = tuple(p for p in each[0] if all(p in parts for parts in each)) if len(each) > 1 else ()
    return common, [tuple(p for p in parts if p not in common) for parts in each]
