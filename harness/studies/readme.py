"""The generated parts of the documentation's pages, each between its own markers
(``<!-- NAME:start -->`` ... ``<!-- NAME:end -->``) in the page it belongs to (``PAGES``): the
write-up claims of every case (docs/cases.md), what the committed baselines hold
(docs/result-format.md) and the blinded-run table (docs/adding-a-probe.md), so the pages never
drift from what the corpus holds. Figures in a claim's evidence are rendered from the committed
cells (figures.py); the baselines' counts are counted from them."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from harness import results
from harness.corpus import committed, figures, metadata
from harness.corpus.metadata import Case, Claim
from harness.corpus.wording import OS_WORDS
from harness.outcomes import Outcome
from harness.records import Cell

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Each generated part and the page it belongs to.
PAGES = {
    "claims": DOCS / "cases.md",
    "baselines": DOCS / "result-format.md",
    "blind-table": DOCS / "adding-a-probe.md",
}
# Links from a page of docs/ to the repository's own files.
TO_ROOT = "../"


def section(name: str, page: Path | None = None) -> str | None:
    """What stands between the markers ``name`` in its page (or ``page``); None without them."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = (page or PAGES[name]).read_text(encoding="utf-8")
    found = re.search(re.escape(start) + "\n(.*?)" + re.escape(end), text, re.DOTALL)
    return found.group(1) if found else None


def update(name: str, text: str, page: Path | None = None) -> Path:
    """Replace what stands between the markers ``name`` in its page (or ``page``) with
    ``text``; the page written."""
    page = page or PAGES[name]
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = page.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(current):
        raise ValueError(f"{page} has no {start} ... {end} markers")
    results.write_atomic(page, pattern.sub(lambda _: f"{start}\n{text}{end}", current))
    return page


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _cells(case: Case, claim: Claim, root: str) -> str:
    """The cells a claim cites; simulated ones lead to the evidence page, which lists the
    assumptions of each simulation."""
    if not claim.cells:
        return ""
    simulated = any(case.checks[c.partition("/")[0]].evidence == "simulated" for c in claim.cells)
    where = (
        f"; in simulation: assumptions on [the evidence page]({root}results/cases/{case.id}.html)"
        if simulated
        else ""
    )
    return f" (cells: {', '.join(claim.cells)}{where})"


def claims(cases: list[Case], cells: list[Cell], root: str = TO_ROOT) -> str:
    """Per case, each write-up claim with the corpus's verdict and its evidence, its figures
    rendered from cells (the committed ones); ``root`` leads from the page to the repository."""
    lines = []
    for case in cases:
        if not case.claims:
            continue
        lines += [
            f"**{case.id}** ([case.toml]({root}cases/{case.id}/case.toml))",
            "",
            "| claim | what the write-ups say | verdict | evidence |",
            "|---|---|---|---|",
        ]
        for claim in case.claims:
            evidence = figures.fill(claim.evidence, case.id, cells)
            lines.append(
                f"| {claim.id} | {_cell(claim.claim)} | **{claim.verdict}** | "
                f"{_cell(evidence)}{_cells(case, claim, root)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n" if lines else "(no case records write-up claims)\n"


_ORDER = [outcome.value for outcome in Outcome]


def _version(python: str) -> tuple[int, ...]:
    return tuple(int(part) for part in python.split(".") if part.isdigit())


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def baselines(folder: Path = committed.RESULTS / "baseline", root: str = TO_ROOT) -> str:
    """What each committed baseline holds, counted from its cells and runs: cells by outcome,
    the Pythons that ran, agreement, and how many of the runs merged into it were dirty."""
    lines = []
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        cells, run = document["cells"], document["run"]
        counts = Counter(str(cell["outcome"]) for cell in cells)
        shown = [f"{counts[o]:,} {o}" for o in _ORDER if counts[o]]
        shown += [f"{n:,} {o}" for o, n in sorted(counts.items()) if o not in _ORDER]
        pythons = {c["python_requested"] for c in cells}
        ran = sorted(
            {c["python_requested"] for c in cells if c["outcome"] != Outcome.SKIP}, key=_version
        )
        skipped = sorted(pythons - set(ran), key=_version)
        disagree = sum(1 for c in cells if c.get("agrees") is False)
        runs = [*run.get("merged_from", []), run]
        dirty = sum(1 for r in runs if r.get("corpus", {}).get("dirty"))
        os_name = path.stem
        lines.append(
            f"- [`results/baseline/{path.name}`]({root}results/baseline/{path.name}) "
            f"({OS_WORDS.get(os_name, os_name)}): {len(cells):,} cells of "
            f"{len({c['case'] for c in cells})} cases ({', '.join(shown)}); "
            + (
                "every cell that ran agrees with its expectation"
                if not disagree
                else f"{disagree:,} cells disagree with their expectation"
            )
            + f". Cells ran on Python {_listed(ran) if ran else 'none'}"
            + (f"; on {_listed(skipped)} every cell is `skip`" if skipped else "")
            + f". Merged from {len(runs)} runs, {dirty} of them from trees with uncommitted "
            "changes."
        )
    return "\n".join(lines) + "\n" if lines else "(no committed baseline)\n"


def write_generated() -> list[Path]:
    """The generated parts that come from the metadata and the committed results (the claims
    and the baselines; the blind table comes from ``nox -s blind -- --readme``); the pages
    written."""
    return [
        update("claims", claims(metadata.load_all(), committed.cells())),
        update("baselines", baselines()),
    ]
