"""The records of a result file (``schema/results.schema.json``) as types: a run document, its
header, its cells and each cell's evidence. One TypedDict per object of the schema, with its
properties as keys, the schema's required ones required (tests/test_records.py holds the two
together, so neither changes alone).

Documents are plain JSON once read (``results.load``): an outcome read from a file is the
string, which equals its ``Outcome`` member (a ``str`` Enum). Cells of committed files of an
older schema version (``corpus.committed``) are read through the same types.
"""

import sys
from typing import Any, final

from harness.outcomes import Outcome

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:  # 3.10, the oldest the harness runs on: typing's TypedDict knows no NotRequired
    from typing_extensions import NotRequired, TypedDict


class Host(TypedDict):
    os: str
    platform: str
    machine: str
    node: str
    cpus: int


class Corpus(TypedDict):
    commit: str | None
    dirty: bool


class MergedRun(TypedDict):
    """What a merged document keeps of an earlier run (``run.merged_from``)."""

    started: str
    corpus: Corpus
    command: str
    host: NotRequired[Host]
    complete: NotRequired[bool]


class Run(TypedDict):
    """A document's header: the run that made it."""

    started: str
    finished: str | None
    complete: bool
    host: Host
    corpus: Corpus
    command: str
    venv_backend: str
    merged_from: NotRequired[list[MergedRun]]


class Source(TypedDict):
    """Unreleased upstream code a cell ran instead of a release."""

    kind: str
    location: str
    commit: str | None
    dirty: bool | None
    declared_version: str | None


class Upstream(TypedDict):
    package: str
    version: str | None
    source: NotRequired[Source]


class RunEvidence(TypedDict):
    """One run of a cell's reproducer, judged."""

    outcome: Outcome
    reason: str
    exit_code: int | None
    duration_s: float
    findings: dict[str, dict[str, Any]]  # each probe's finding (probes.Finding.as_record)
    recorded: dict[str, Any]  # what the reproducer wrote (harness/child.py)
    stderr_tail: NotRequired[str]
    leftovers: NotRequired[list[str]]


class Evidence(TypedDict):
    runs: list[RunEvidence]


class CellKey(TypedDict):
    """The fields that make a cell the same cell across runs and machines (results.cell_key)."""

    case: str
    check: str
    variant: str
    release: str
    os: str
    python_requested: str


class Cell(TypedDict):
    """One case x check x variant x release x Python x OS, with its outcome and evidence."""

    case: str
    check: str
    variant: str
    release: str
    python: str | None
    python_requested: str
    os: str
    upstream: Upstream
    outcome: Outcome
    expected: Outcome | None
    expected_why: str | None
    agrees: bool | None
    blind: NotRequired[list[str]]
    reason: str
    evidence_kind: str
    evidence: Evidence
    run_started: NotRequired[str]
    duration_s: float
    distributions: dict[str, str]


class Document(TypedDict):
    """A result file: a run (or a baseline merged from runs) and its cells."""

    schema: str
    schema_version: int
    run: Run
    cells: list[Cell]


# A run a document names (results.runs): its own header, or one merged into it.
RunHeader = MergedRun | Run


@final  # so that `"run" in document` tells a Document from it
class NoBaseline(TypedDict):
    """What a run merges into where this OS has no baseline yet, or is replaced whole: no
    cells, and no run to list in ``merged_from``."""

    cells: list[Cell]
