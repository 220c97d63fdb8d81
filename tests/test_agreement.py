"""The committed corpus agrees with what users are told about it.

This test is about the real results by design: every plain cell of results/baseline/*.json and
results/history/*.json (no patch, no workaround, no blinded probe, no unreleased tree) is read
here with plain JSON, not through the modules under test, and

- the answer for its coordinates (case, check, release, Python X.Y.Z, OS) is its outcome;
- a one-line pin of its release, audited on its Python and OS, gets a verdict consistent with
  the cells of that release there: never ``not-affected`` where one leaks, never ``affected``
  where every one is clean or absent.

A simulated check's cells ran on Linux but stand for the OSes the case's leak exists on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from harness.audit import lockfiles, static
from harness.corpus import answer, expectations, metadata
from harness.corpus.metadata import ROOT
from harness.run import pypi

RESULTS = ROOT / "results"
CASES = {case.id: case for case in metadata.load_all()}


def _plain(cell: dict[str, Any]) -> bool:
    variant = CASES[cell["case"]].variants.get(cell["variant"])
    return (
        (variant is None or (variant.patch is None and variant.workaround is None))
        and not cell.get("blind")
        and "source" not in cell["upstream"]
        and bool(cell["upstream"]["version"])
        and bool(cell["python"])
    )


def _oses(cell: dict[str, Any]) -> tuple[str, ...]:
    """The OSes a cell is evidence for."""
    case = CASES[cell["case"]]
    if case.checks[cell["check"]].evidence == "simulated":
        return case.platforms
    return (cell["os"],)


def _cells() -> list[dict[str, Any]]:
    paths = sorted((RESULTS / "baseline").glob("*.json")) + sorted(
        (RESULTS / "history").glob("*.json")
    )
    found = []
    for path in paths:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["case"] in CASES and _plain(cell):
                found.append({**cell, "file": str(path.relative_to(ROOT))})
    return found


CELLS = _cells()


def _by_release() -> dict[tuple[str, str, str, str], list[dict[str, Any]]]:
    """(package, release, Python X.Y.Z, OS) -> the cells of every case of that package."""
    grouped = defaultdict(list)
    for cell in CELLS:
        package = CASES[cell["case"]].package
        release = str(Version(cell["upstream"]["version"]))
        for os_name in _oses(cell):
            grouped[(package, release, cell["python"], os_name)].append(cell)
    return dict(grouped)


def test_the_committed_results_have_plain_cells() -> None:
    assert CELLS, "no plain cell in results/baseline or results/history"


def test_the_answer_for_every_committed_cell_is_its_outcome() -> None:
    cells = answer.committed(CASES.values())
    wrong = []
    for cell in CELLS:
        case = CASES[cell["case"]]
        for os_name in _oses(cell):
            found = answer.answer(
                case, cell["check"], cell["upstream"]["version"], cell["python"], os_name, cells
            )
            if found.outcome != cell["outcome"] or found.known not in (
                answer.Known.MEASURED,
                answer.Known.SIMULATED,
            ):
                wrong.append(
                    f"{cell['file']}: {case.id}/{cell['check']} {cell['upstream']['version']} "
                    f"py{cell['python']} {os_name}: cell {cell['outcome']}, answer "
                    f"{found.outcome} ({found.known})"
                )
    assert not wrong, f"{len(wrong)} answers differ from their cells:\n" + "\n".join(wrong[:40])


def _findings(
    package: str, release: str, python: str, os_name: str, folder: Path
) -> dict[str, static.Finding]:
    """The audit of a one-line requirements file pinning this release, per case."""
    pinned = folder / "requirements.txt"
    pinned.write_text(f"{package}=={release}\n")
    cases = [c for c in CASES.values() if c.package == package]
    return {f.case.id: f for f in static.audit(lockfiles.read(pinned), [python], os_name, cases)}


def _only(package: str, release: str) -> dict[str, pypi.Release]:
    # PyPI as far as the audit needs it here: the pinned release exists (no later one, so no
    # first-clean search). The verdict does not depend on which releases follow.
    return {release: pypi.Release(Version(release), SpecifierSet(), yanked=False)}


def _against(finding: static.Finding | None, cells: list[dict[str, Any]]) -> list[str]:
    """How an audit finding contradicts the cells of its release (empty: it does not)."""
    status = str(finding.status) if finding else "not audited"
    problems = []
    if any(c["outcome"] == "leak" for c in cells) and status == "not-affected":
        problems.append(f"audited {status}")
    told = {c.check: c.outcome for c in finding.answer.checks} if finding else {}
    for check in sorted({c["check"] for c in cells}):
        outcomes = {c["outcome"] for c in cells if c["check"] == check}
        said = told.get(check)
        if "leak" in outcomes and said != "leak" and status != "not-affected":
            problems.append(f"{check} audited {said}")
        if outcomes <= {"clean", "absent"} and said == "leak":
            problems.append(f"{check} audited leak")
    return problems


def test_a_one_line_pin_of_every_committed_release_is_audited_as_its_cells_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = []
    for (package, release, python, os_name), cells in sorted(_by_release().items()):
        monkeypatch.setattr(pypi, "releases", lambda name, cache=None, r=release: _only(name, r))
        findings = _findings(package, release, python, os_name, tmp_path)
        for case_id in sorted({c["case"] for c in cells}):
            mine = [c for c in cells if c["case"] == case_id]
            for problem in _against(findings.get(case_id), mine):
                outcomes = ", ".join(f"{c['check']} {c['outcome']}" for c in mine)
                wrong.append(
                    f"{package}=={release} py{python} {os_name}: {case_id} {problem}; cells: "
                    f"{outcomes} ({', '.join(sorted({c['file'] for c in mine}))})"
                )
    assert not wrong, f"{len(wrong)} pins audited against their cells:\n" + "\n".join(wrong[:60])


def test_every_committed_cell_with_a_verdict_is_what_todays_rules_expect() -> None:
    """Patched and workaround cells too: the rules of case.toml, applied today to each committed
    baseline cell's coordinates, expect the outcome the cell measured (a rule change that would
    turn a committed cell into a disagreement fails here, before a run finds it)."""
    wrong = []
    for path in sorted((RESULTS / "baseline").glob("*.json")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if (
                cell["case"] not in CASES
                or cell.get("blind")
                or cell["outcome"] not in ("leak", "clean", "absent")
                or "source" in cell["upstream"]
            ):
                continue
            rule = expectations.expected(
                CASES[cell["case"]],
                cell["check"],
                cell["variant"],
                cell["upstream"]["version"],
                cell["python"],
                cell["os"],
            )
            if rule is None or rule.outcome != cell["outcome"]:
                wrong.append(
                    f"{cell['case']}/{cell['check']}/{cell['variant']}@"
                    f"{cell['upstream']['version']} py{cell['python']} {cell['os']}: measured "
                    f"{cell['outcome']}, rules expect {rule.outcome if rule else 'no rule'}"
                )
    assert not wrong, f"{len(wrong)} committed cells against today's rules:\n" + "\n".join(
        wrong[:40]
    )
