"""The matrix report: any number of result files (several OSes, machines, runs) merged into
one matrix, counted, and written as Markdown and HTML from templates (the terminal summary is
render_terminal.py). The HTML is an index (matrix.html: verdict, totals, disagreements, each
case's header and grid) and one evidence page per case (cases/<case>.html), each cell of the
grid linked to its evidence there: three OSes' evidence does not fit one page of 1 MB.

Where two files hold the same cell (same case, check, variant, release, OS and Python), the
one from the later run wins (the run that made the cell, ``run_started``, where the cell
records it; else its file's run). Every run a file merged is listed with its corpus commit,
whether the tree had uncommitted changes, and how many of the matrix's cells it made. Rows are
grouped by case and check, releases in version order (``latest`` last); columns are OS and
Python. Everything that came from a process is escaped: by the template engine in HTML, by
text.markdown in Markdown.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from packaging.version import InvalidVersion, Version

from harness import results, text
from harness.corpus import committed
from harness.corpus.metadata import LATEST
from harness.outcomes import Outcome, python_key, shorten
from harness.records import Cell, CellKey, Document, RunHeader, Upstream
from harness.report import evidence
from harness.report.case_pages import CasePage, Links, page

TEMPLATES = Path(__file__).parent / "templates"
OS_NAMES = {"linux": "Linux", "darwin": "macOS", "win32": "Windows"}
# Colour is never the only sign: every outcome has a symbol, and the word beside it.
SYMBOLS = {
    Outcome.LEAK: "✗",
    Outcome.CLEAN: "✓",
    Outcome.ABSENT: "∅",
    Outcome.ERROR: "!",
    Outcome.SKIP: "–",
    Outcome.FLAKY: "≈",
}
DISAGREES = "≠"
INDEX = "matrix.html"
CASE_PAGES = "cases"  # the evidence pages' folder, beside the index
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")

Row = tuple[str, str, str, str]  # (case, check, variant, release)
Column = tuple[str, str]  # (os, python)


@dataclass(frozen=True)
class Totals:
    """Headline counts. A skip (``agrees`` null) neither agrees nor disagrees; ``absent`` cells
    ran (the reproducer showed the release has no such code path) and are counted apart from
    leak and clean."""

    cells: int
    ran: int
    agree: int
    disagree: int
    skipped: int
    absent: int
    outcomes: dict[str, int]

    @property
    def verdict(self) -> str:
        if self.disagree:
            if self.disagree == 1:
                return "1 cell disagrees with its expectation"
            return f"{self.disagree} cells disagree with their expectation"
        if not self.ran:
            return "no cell ran"
        return f"every cell that ran agrees with its expectation ({self.agree} of {self.ran})"


def count(cells: list[Cell]) -> Totals:
    outcomes = Counter(str(c["outcome"]) for c in cells)
    ran = [c for c in cells if c["outcome"] != Outcome.SKIP]
    return Totals(
        cells=len(cells),
        ran=len(ran),
        agree=sum(c["agrees"] is True for c in ran),
        disagree=sum(c["agrees"] is False for c in cells),
        skipped=outcomes[Outcome.SKIP],
        absent=outcomes[Outcome.ABSENT],
        outcomes={str(o): outcomes[o] for o in Outcome},
    )


def _release_key(release: str) -> tuple[int, Any]:
    if release == LATEST:
        return (2, 0)
    try:
        return (0, Version(release))
    except InvalidVersion:
        return (1, release)


def os_name(os_id: str) -> str:
    return OS_NAMES.get(os_id, os_id)


@dataclass(frozen=True)
class Matrix:
    cells: list[Cell]
    columns: list[Column]
    rows: list[Row]
    sources: list[RunHeader]  # every run merged (results.runs of each file), oldest first

    def at(self, row: Row, column: Column) -> Cell | None:
        return self._index.get((*row, *column))

    @cached_property
    def _index(self) -> dict[tuple[str, ...], Cell]:
        return {results.cell_key(c): c for c in self.cells}

    @property
    def disagreements(self) -> list[Cell]:
        return [c for c in self.cells if c["agrees"] is False]

    @cached_property
    def totals(self) -> Totals:
        return count(self.cells)

    @property
    def cases(self) -> list[str]:
        return list(dict.fromkeys(row[0] for row in self.rows))

    @cached_property
    def _made(self) -> Counter[str]:
        return Counter(c["run_started"] for c in self.cells if "run_started" in c)

    def made_by(self, run: RunHeader) -> int:
        """How many of the matrix's cells this run made."""
        return self._made[run["started"]]

    @property
    def unattributed(self) -> int:
        """Cells that do not say which run made them (written before cells recorded it)."""
        return len(self.cells) - sum(self._made.values())

    @property
    def dirty(self) -> list[RunHeader]:
        """The runs merged that ran from a tree with uncommitted changes."""
        return [r for r in self.sources if r["corpus"]["dirty"]]


def upstream_label(upstream: Upstream) -> str:
    """``nicegui 3.18.0``, or for unreleased code what it was, never shown as a release:
    ``nicegui 3.19.0.dev0 (unreleased path /src/nicegui @ 1a2b3c4d, dirty)``."""
    label = f"{upstream['package']} {upstream['version'] or '-'}"
    source = upstream.get("source")
    if not source:
        return label
    at = source.get("commit")
    commit = f" @ {at[:12]}" if at else ""
    dirty = ", dirty" if source.get("dirty") else ""
    return f"{label} (unreleased {source['kind']} {source['location']}{commit}{dirty})"


def _order(rows: set[Row], pages: dict[str, CasePage]) -> list[Row]:
    def key(row: Row) -> tuple[Any, ...]:
        case, check, variant, release = row
        known = pages.get(case)
        checks = known.checks if known else ()
        variants = known.variants if known else ()
        return (
            case,
            checks.index(check) if check in checks else len(checks),
            check,
            _release_key(release),
            variants.index(variant) if variant in variants else len(variants),
            variant,
        )

    return sorted(rows, key=key)


def merge(documents: list[Document], pages: dict[str, CasePage] | None = None) -> Matrix:
    """One matrix from result documents; pages (case headers) give the checks' and variants'
    order of each case.toml, otherwise names order them."""
    chosen: dict[tuple[str, ...], tuple[str, Cell]] = {}
    for document in documents:
        for cell in document["cells"]:
            started = cell.get("run_started", document["run"]["started"])
            key = results.cell_key(cell)
            if key not in chosen or chosen[key][0] <= started:
                chosen[key] = (started, cell)
    cells = sorted((cell for _, cell in chosen.values()), key=results.cell_sort_key)
    oses = list(OS_NAMES)
    columns = sorted(
        {(c["os"], c["python_requested"]) for c in cells},
        key=lambda col: (
            oses.index(col[0]) if col[0] in oses else len(oses),
            col[0],
            python_key(col[1]),
        ),
    )
    rows = _order({(c["case"], c["check"], c["variant"], c["release"]) for c in cells}, pages or {})
    return Matrix(cells, columns, rows, [r for d in documents for r in results.runs(d)])


def page_file(case: str, index: int) -> str:
    """The evidence page of a case, relative to the index: named by the case's id unless that
    is no safe file name (a result file may hold any string)."""
    name = case if _FILE_NAME.fullmatch(case) else f"_{index}"
    return f"{CASE_PAGES}/{name}.html"


def cell_id(cell: Cell | CellKey) -> str:
    """A cell's id in the report's pages, made from its key (``results.cell_key``) alone: the
    same cell keeps its id whatever other cells a merge adds or removes, so that one case's
    merge changes no other case's page."""
    digest = hashlib.sha256("\x1f".join(results.cell_key(cell)).encode("utf-8")).digest()
    return "c" + base64.urlsafe_b64encode(digest).decode("ascii")[:8]  # 48 bits


def environment_code(distributions: str) -> str:
    """An environment's code in the report (``E<code>``), made from its distributions alone:
    like cell ids, it stays the same whatever environments other cells add or remove."""
    return hashlib.sha256(distributions.encode("utf-8")).hexdigest()[:8]


def _distributions(cell: Cell) -> str:
    return "\n".join(f"{k}=={v}" for k, v in sorted((cell.get("distributions") or {}).items()))


@dataclass(frozen=True)
class Section:
    """One case in the report: its header, its columns, its rows and its evidence page."""

    page: CasePage
    columns: list[Column]
    checks: list[tuple[str, list[Row]]]
    totals: Totals
    href: str  # its evidence page, relative to the index


class View:
    """What the templates need, computed once: sections, environments, skip groups (cell ids
    and environment codes come from the cells alone: ``cell_id``, ``environment_code``)."""

    def __init__(self, matrix: Matrix, pages: dict[str, CasePage]) -> None:
        self.matrix = matrix
        self.totals = matrix.totals
        ids = {cell_id(c) for c in matrix.cells}
        if len(ids) != len({results.cell_key(c) for c in matrix.cells}):
            raise ValueError("two cells of the report have one id: lengthen tables.cell_id's")
        self.sections = [self._section(i, case, pages) for i, case in enumerate(matrix.cases)]
        self._hrefs = {s.page.id: s.href for s in self.sections}
        self.environments = self._environments()
        self.skips = self._skips()
        self.oses = list(dict.fromkeys(os_id for os_id, _ in matrix.columns))
        self.pythons = sorted({py for _, py in matrix.columns}, key=python_key)

    def _section(self, index: int, case: str, pages: dict[str, CasePage]) -> Section:
        rows = [r for r in self.matrix.rows if r[0] == case]
        cells = [c for c in self.matrix.cells if c["case"] == case]
        present = {(c["os"], c["python_requested"]) for c in cells}
        checks: dict[str, list[Row]] = {}
        for row in rows:
            checks.setdefault(row[1], []).append(row)
        return Section(
            page=pages.get(case) or CasePage(case),
            columns=[col for col in self.matrix.columns if col in present],
            checks=list(checks.items()),
            totals=count(cells),
            href=page_file(case, index),
        )

    def _environments(self) -> dict[str, str]:
        """Each distinct set of distributions a cell ran in, in the order cells first name
        it, with its code (``environment_code``)."""
        codes: dict[str, str] = {}
        for key in filter(None, map(_distributions, self.matrix.cells)):
            codes.setdefault(key, environment_code(key))
        return codes

    def _skips(self) -> list[tuple[str, list[Cell]]]:
        groups: dict[str, list[Cell]] = {}
        for cell in self.matrix.cells:
            if cell["outcome"] == Outcome.SKIP:
                groups.setdefault(text.line(cell["reason"], 200), []).append(cell)
        return sorted(groups.items(), key=lambda item: -len(item[1]))

    def id(self, cell: Cell) -> str:
        return cell_id(cell)

    def made(self, run: RunHeader) -> str:
        """The cells a merged run made, as the runs table shows it: "?" when it made none that
        say so while some cells do not record their run."""
        made = self.matrix.made_by(run)
        return "?" if not made and self.matrix.unattributed else str(made)

    def skip_group(self, cell: Cell) -> int:
        reason = text.line(cell["reason"], 200)
        return next(i for i, (r, _) in enumerate(self.skips, 1) if r == reason)

    def environment(self, cell: Cell) -> str | None:
        """The code of the cell's environment in the index's list."""
        return self.environments.get(_distributions(cell))

    def href(self, cell: Cell) -> str:
        """Where a cell of the grid leads: its evidence on its case's page; a skip, which has
        none, to its reason in the index."""
        if cell["outcome"] == Outcome.SKIP:
            return f"#s{self.skip_group(cell)}"
        return f"{self._hrefs[cell['case']]}#e{self.id(cell)}"

    def row_href(self, section: Section, check_variant: str) -> str | None:
        """The evidence of the first row of "check/variant" that ran (what a claim cites)."""
        check, _, variant = check_variant.partition("/")
        for name, rows in section.checks:
            for row in rows if name == check else ():
                ran = self.row_cells(section, row)
                if row[2] == variant and ran:
                    return f"{section.href}#r{self.id(ran[0])}"
        return None

    def row_cells(self, section: Section, row: Row) -> list[Cell]:
        """The cells of a row that ran (a skip has no evidence but its reason)."""
        found = (self.matrix.at(row, column) for column in section.columns)
        return [c for c in found if c and c["outcome"] != Outcome.SKIP]


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = text.markdown
    env.filters["line"] = text.line
    env.filters["os_name"] = os_name
    env.filters["upstream"] = upstream_label
    env.globals.update(
        SYMBOLS={str(k): v for k, v in SYMBOLS.items()},
        DISAGREES=DISAGREES,
        INDEX=INDEX,
        CASE_PAGES=CASE_PAGES,
        OUTCOMES=[str(o) for o in Outcome],
        LATEST=LATEST,
        shared=evidence.shared,
        command=evidence.command,
        shorten=shorten,
        static=lambda name: markupsafe.Markup((TEMPLATES / name).read_text(encoding="utf-8")),
    )
    return env


def pages_for(
    cases: list[str], out_dir: Path, cells: list[Cell], cases_dir: Path | None = None
) -> dict[str, CasePage]:
    """The case headers, their figures rendered from cells."""
    links = Links(out_dir)
    return {case: page(case, links, cells, cases_dir) for case in cases}


def render(matrix: Matrix, fmt: str, pages: dict[str, CasePage] | None = None) -> str:
    """matrix.md (fmt "md") or the HTML index (fmt "html")."""
    view = View(matrix, pages or {})
    env = _environment(autoescape=fmt == "html")
    return env.get_template(f"matrix.{fmt}.j2").render(view=view, matrix=matrix)


def render_cases(matrix: Matrix, pages: dict[str, CasePage] | None = None) -> dict[str, str]:
    """Each case's evidence page, by its path relative to the index."""
    view = View(matrix, pages or {})
    template = _environment(autoescape=True).get_template("case.html.j2")
    return {s.href: template.render(view=view, s=s) for s in view.sections}


def build(documents: list[Document], out_dir: Path) -> tuple[Matrix, dict[str, CasePage]]:
    """The matrix of documents with the case headers for a report written to out_dir (their
    figures from the committed cells, as the README's)."""
    cases = list(dict.fromkeys(c["case"] for d in documents for c in d["cells"]))
    pages = pages_for(cases, out_dir, committed.cells())
    return merge(documents, pages), pages


def write(documents: list[Document], out_dir: Path) -> tuple[Matrix, list[Path]]:
    """matrix.md, the evidence pages (cases/, any other page there removed) and then the index
    matrix.html in out_dir, linking the release histories kept beside them."""
    matrix, pages = build(documents, out_dir)
    markdown = out_dir / "matrix.md"
    results.write_atomic(markdown, render(matrix, "md", pages))
    evidence_pages = render_cases(matrix, pages)
    for href, html in evidence_pages.items():
        results.write_atomic(out_dir / href, html)
    folder = out_dir / CASE_PAGES
    for stale in set(folder.glob("*.html")) - {out_dir / href for href in evidence_pages}:
        stale.unlink()
    index = out_dir / INDEX
    results.write_atomic(index, render(matrix, "html", pages))
    return matrix, [markdown, folder, index]
