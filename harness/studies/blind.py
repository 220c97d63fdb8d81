"""Blinded runs: every check of every case, run with each of its probes' channels switched off
in turn. Each must come out ``error``: a probe that reads a dead channel as clean would make
every clean cell of that check worthless. The table is written to ``results/blind.md`` and,
with ``--readme``, between the markers in README.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from harness import results
from harness.corpus.metadata import Case, Check, Variant
from harness.outcomes import Outcome, shorten
from harness.run import batch, plan

PREFERRED = ("affected", "latest")  # the variant a check is blinded on, when it has one


@dataclass(frozen=True)
class Row:
    cell: plan.Cell
    probe: str


def _variant_for(case: Case, check: Check) -> Variant:
    applicable = [
        v
        for v in case.variants.values()
        if (v.checks is None or check.name in v.checks) and not v.patch and not v.workaround
    ]
    applicable = applicable or list(case.variants.values())
    return next((v for v in applicable if v.name in PREFERRED), applicable[0])


def plan_rows(cases: list[Case], python: str) -> list[Row]:
    """One row per (case, check, probe of the check), on the check's plain affected release."""
    rows = []
    for case in cases:
        for check in case.checks.values():
            variant = _variant_for(case, check)
            cell = plan.Cell(case, check, variant, variant.releases[0], python)
            rows.extend(Row(cell, name) for name in dict.fromkeys(p.name for p in check.probes))
    return rows


def run_rows(
    rows: list[Row], settings: batch.Settings, writer: results.RunWriter
) -> list[dict[str, Any]]:
    """Run the rows, one batch per blinded probe (settings' own ``blind`` is replaced by it),
    into one writer; the records in the order of the rows."""
    for probe in dict.fromkeys(r.probe for r in rows):
        blinded = dataclasses.replace(settings, blind=(probe,))
        batch.execute([r.cell for r in rows if r.probe == probe], blinded, writer)
    by_key = {(*results.cell_key(c), c["blind"][0]): c for c in writer.document["cells"]}
    return [by_key[(*results.cell_key(r.cell.fields()), r.probe)] for r in rows]


def render(records: list[dict[str, Any]], python: str) -> str:
    ran = [r for r in records if r["outcome"] != Outcome.SKIP]
    wrong = [r for r in ran if r["outcome"] != Outcome.ERROR]
    verdict = (
        f"every one of {len(ran)} blinded runs is an error"
        if not wrong
        else f"{len(wrong)} of {len(ran)} blinded runs are NOT errors: their probe can read a "
        "dead channel as a verdict"
    )
    lines = [
        f"Blinded runs on Python {python} ({verdict}; {len(records) - len(ran)} skipped). "
        "Regenerate: `nox -s blind -- --readme`.",
        "",
        "| case | check | cell | blinded probe | outcome | reason |",
        "|---|---|---|---|---|---|",
    ]
    for r in records:
        lines.append(
            f"| {r['case']} | {r['check']} | {r['variant']}@{r['upstream']['version'] or '-'} "
            f"| {r['blind'][0]} | **{r['outcome']}** | "
            f"{shorten(r['reason'], 120).replace('|', '/')} |"
        )
    return "\n".join(lines) + "\n"
