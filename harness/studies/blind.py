"""Blinded runs: every check of every case, run with each of its probes' channels switched off
in turn. Each must come out ``error``: a probe that reads a dead channel as clean would make
every clean cell of that check worthless. The table is written to ``results/blind.md`` and,
with ``--readme``, between the markers in README.md. A run of some cases (``--case``) merges
their rows into the table already there; a run of every case writes it afresh.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from harness import results
from harness.corpus.metadata import Case, Check, Variant
from harness.errors import BadInput
from harness.outcomes import Outcome, shorten
from harness.records import Cell
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
    rows: list[Row] = []
    for case in cases:
        for check in case.checks.values():
            variant = _variant_for(case, check)
            cell = plan.Cell(case, check, variant, variant.releases[0], python)
            rows.extend(Row(cell, name) for name in dict.fromkeys(p.name for p in check.probes))
    return rows


def run_rows(rows: list[Row], settings: batch.Settings, writer: results.RunWriter) -> list[Cell]:
    """Run the rows, one batch per blinded probe (settings' own ``blind`` is replaced by it),
    into one writer; the records in the order of the rows."""
    for probe in dict.fromkeys(r.probe for r in rows):
        blinded = dataclasses.replace(settings, blind=(probe,))
        batch.execute([r.cell for r in rows if r.probe == probe], blinded, writer)
    by_key = {(*results.cell_key(c), c["blind"][0]): c for c in writer.document["cells"]}
    return [by_key[(*results.cell_key(r.cell.fields()), r.probe)] for r in rows]


class BlindError(BadInput):
    """The blinded runs' table cannot be merged as asked; the message says why."""


@dataclass(frozen=True)
class TableRow:
    """One row of the table as written: its key (case, check, blinded probe), its outcome and
    the Markdown line itself, kept as it is when another case's rows are merged in."""

    case: str
    check: str
    probe: str
    outcome: str
    line: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.case, self.check, self.probe)


HEADER = re.compile(r"^Blinded runs on Python (\S+) \(")


def table_row(record: Cell) -> TableRow:
    """A blinded cell's row."""
    line = (
        f"| {record['case']} | {record['check']} | "
        f"{record['variant']}@{record['upstream']['version'] or '-'} "
        f"| {record['blind'][0]} | **{record['outcome']}** | "
        f"{shorten(record['reason'], 120).replace('|', '/')} |"
    )
    return TableRow(
        record["case"], record["check"], record["blind"][0], str(record["outcome"]), line
    )


def parse(text: str) -> tuple[str | None, list[TableRow]]:
    """The Python and the rows of a table ``render`` wrote (none from an empty text)."""
    python, rows = None, []
    for line in text.splitlines():
        found = HEADER.match(line)
        if found:
            python = found.group(1)
        if not line.startswith("| ") or line.startswith(("| case |", "|---")):
            continue
        cells = line[2:-2].split(" | ")
        if len(cells) != 6:
            raise BlindError(f"not a row of the blinded runs' table: {line!r}")
        rows.append(TableRow(cells[0], cells[1], cells[3], cells[4].strip("*"), line))
    return python, rows


def merge(
    old: list[TableRow], new: list[TableRow], order: list[tuple[str, str, str]]
) -> list[TableRow]:
    """The table's rows after a run of some of them: each new row replaces the old one of its
    key, the others stay; in the order of ``order`` (every row of the corpus, as
    ``plan_rows`` of every case gives them), which also drops rows of checks and probes the
    corpus no longer has."""
    by_key = {r.key: r for r in old} | {r.key: r for r in new}
    return [by_key[key] for key in order if key in by_key]


def row_keys(rows: list[Row]) -> list[tuple[str, str, str]]:
    return [(r.cell.case.id, r.cell.check.name, r.probe) for r in rows]


def previous(path: Path, python: str, partial: bool) -> list[TableRow]:
    """The rows a run merges into: those of the table at ``path`` for a ``partial`` run (some
    cases), none for a run of every case. Checked before anything runs: rows of another Python
    cannot be merged, the table is of one Python."""
    if not partial or not path.is_file():
        return []
    was, rows = parse(path.read_text(encoding="utf-8"))
    if rows and was != python:
        raise BlindError(
            f"{path} is of Python {was}: merging rows of Python {python} into it would mix "
            f"them; run on Python {was}, or run every case to write it afresh"
        )
    return rows


def table(old: list[TableRow], records: list[Cell], python: str, order: list[Row]) -> str:
    """The table: ``old``'s rows with those of ``records`` merged in, in the order of
    ``order`` (the rows of every case, see ``merge``)."""
    return render(merge(old, [table_row(r) for r in records], row_keys(order)), python)


def render(rows: list[TableRow], python: str) -> str:
    ran = [r for r in rows if r.outcome != Outcome.SKIP]
    wrong = [r for r in ran if r.outcome != Outcome.ERROR]
    verdict = (
        f"every one of {len(ran)} blinded runs is an error"
        if not wrong
        else f"{len(wrong)} of {len(ran)} blinded runs are NOT errors: their probe can read a "
        "dead channel as a verdict"
    )
    lines = [
        (
            f"Blinded runs on Python {python} ({verdict}; {len(rows) - len(ran)} skipped). "
            "Regenerate: `nox -s blind -- --readme`."
        ),
        "",
        "| case | check | cell | blinded probe | outcome | reason |",
        "|---|---|---|---|---|---|",
    ]
    lines += [r.line for r in rows]
    return "\n".join(lines) + "\n"
