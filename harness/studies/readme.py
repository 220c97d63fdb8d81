"""The parts of README.md that are generated, each between its own markers
(``<!-- NAME:start -->`` ... ``<!-- NAME:end -->``): the blinded-run table and the write-up
claims of every case, so the README never drifts from what the corpus holds. Figures in a
claim's evidence are rendered from the committed cells (figures.py)."""

from __future__ import annotations

import re
from pathlib import Path

from harness import results
from harness.corpus import figures
from harness.corpus.metadata import Case, Claim
from harness.records import Cell

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def update(name: str, text: str, readme: Path = README) -> None:
    """Replace what stands between the markers ``name`` in the README with ``text``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(current):
        raise ValueError(f"{readme} has no {start} ... {end} markers")
    results.write_atomic(readme, pattern.sub(lambda _: f"{start}\n{text}{end}", current))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _cells(case: Case, claim: Claim) -> str:
    """The cells a claim cites; simulated ones lead to the evidence page, which lists the
    assumptions of each simulation."""
    if not claim.cells:
        return ""
    simulated = any(case.checks[c.partition("/")[0]].evidence == "simulated" for c in claim.cells)
    where = (
        f"; in simulation: assumptions on [the evidence page](results/cases/{case.id}.html)"
        if simulated
        else ""
    )
    return f" (cells: {', '.join(claim.cells)}{where})"


def claims(cases: list[Case], cells: list[Cell]) -> str:
    """Per case, each write-up claim with the corpus's verdict and its evidence, its figures
    rendered from cells (the committed ones)."""
    lines = []
    for case in cases:
        if not case.claims:
            continue
        lines += [
            f"**{case.id}** ([case.toml](cases/{case.id}/case.toml))",
            "",
            "| claim | what the write-ups say | verdict | evidence |",
            "|---|---|---|---|",
        ]
        for claim in case.claims:
            evidence = figures.fill(claim.evidence, case.id, cells)
            lines.append(
                f"| {claim.id} | {_cell(claim.claim)} | **{claim.verdict}** | "
                f"{_cell(evidence)}{_cells(case, claim)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n" if lines else "(no case records write-up claims)\n"
