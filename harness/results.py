"""Result files: one JSON document per run, in a public format with a JSON Schema
(``schema/results.schema.json``), written again atomically after every cell so that an
interrupted run keeps every cell it finished."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import tempfile
import threading
from pathlib import Path

import jsonschema

from harness.errors import BadInput
from harness.outcomes import python_key
from harness.records import Cell, CellKey, Corpus, Document, MergedRun, NoBaseline, Run, RunHeader
from harness.run.plan import PLATFORM

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "schema" / "results.schema.json").read_text())
SCHEMA_NAME, SCHEMA_VERSION = "leak-corpus/results", 2


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _git(*args: str) -> str | None:
    """What git prints about the corpus's own checkout, or None where git cannot answer."""
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return out.stdout if out.returncode == 0 else None


def uncommitted() -> list[str]:
    """The corpus's files that differ from its commit (changed, added, deleted, untracked and
    not ignored), as ``git status --porcelain`` names them."""
    return [line[3:] for line in (_git("status", "--porcelain") or "").splitlines()]


def corpus_commit() -> Corpus:
    """The corpus's commit, and whether the tree had uncommitted changes (a run records it)."""
    head = _git("rev-parse", "HEAD")
    return {"commit": head.strip() if head else None, "dirty": bool(uncommitted())}


def new_run(command: str, venv_backend: str) -> Document:
    return {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "run": {
            "started": now(),
            "finished": None,
            "complete": False,
            "host": {
                "os": PLATFORM,
                "platform": platform.platform(),
                "machine": platform.machine(),
                "node": platform.node(),
                "cpus": os.cpu_count() or 1,
            },
            "corpus": corpus_commit(),
            "command": command,
            "venv_backend": venv_backend,
        },
        "cells": [],
    }


def write_atomic(path: Path, text: str) -> None:
    """Replace path with text in one step: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; results are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def validate(document: Document) -> None:
    """Raise jsonschema.ValidationError if document is not a valid result file."""
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def write_document(path: Path, document: Document) -> None:
    """A run or baseline document as every results file holds it: sorted keys, one space."""
    write_atomic(path, json.dumps(document, indent=1, sort_keys=True) + "\n")


class RunWriter:
    """Holds one run's document and writes it to disk after every cell."""

    def __init__(self, path: Path, document: Document) -> None:
        self.path = path
        self.document = document
        self._lock = threading.Lock()
        self._flush()

    def _flush(self) -> None:
        write_document(self.path, self.document)

    def add(self, cell: Cell) -> None:
        """Add a cell, marked with this run (``run_started``, the run header's ``started``),
        so that a baseline merged from many runs still says which run made each cell; one
        already in the document under the same key (from a run this one continues) is
        replaced, never kept beside it. A blinded cell is not the same cell as one blinded on
        other probes, or none: the blinded runs put one cell per probe in one document."""
        key = _writer_key(cell)
        with self._lock:
            kept = [c for c in self.document["cells"] if _writer_key(c) != key]
            self.document["cells"] = [*kept, {**cell, "run_started": self.started}]
            self._flush()

    @property
    def started(self) -> str:
        return str(self.document["run"]["started"])

    def finish(self) -> None:
        with self._lock:
            self.document["cells"].sort(key=cell_sort_key)
            self.document["run"]["finished"] = now()
            self.document["run"]["complete"] = True
            validate(self.document)
            self._flush()


def cell_key(cell: CellKey) -> tuple[str, str, str, str, str, str]:
    """What makes a cell the same cell across runs and machines."""
    return (
        cell["case"],
        cell["check"],
        cell["variant"],
        cell["release"],
        cell["os"],
        cell["python_requested"],
    )


def _writer_key(cell: Cell) -> tuple[object, ...]:
    return (*cell_key(cell), tuple(cell.get("blind") or ()))


def cell_sort_key(cell: Cell) -> tuple[str | tuple[int, ...], ...]:
    *head, python = cell_key(cell)
    return (*head, python_key(python))


def merged_baseline(
    baseline: Document | NoBaseline, run: Document, cases: list[str], pythons: list[str]
) -> Document:
    """The run as the new baseline, with the baseline's cells of every other case and Python
    kept: a new or changed case, or another Python, reaches the baseline without a run of all
    the others. The run header is the new run's; ``merged_from`` names the runs whose cells
    were kept."""
    kept = [
        c
        for c in baseline["cells"]
        if c["case"] not in cases or c["python_requested"] not in pythons
    ]
    document: Document = {**run, "cells": sorted([*kept, *run["cells"]], key=cell_sort_key)}
    if kept and "run" in baseline:  # NoBaseline has no cells to keep
        document["run"] = _merged_header(run["run"], baseline["run"])
    validate(document)
    return document


def continued(previous: Document, run: Document) -> Document:
    """A new run that starts from previous's cells: each cell the run makes replaces the one
    under its key (RunWriter.add), the others stay, so running part of a range never loses the
    rest. A working tree's cells are not carried over: they are a snapshot of a tree that has
    moved on. ``merged_from`` names the runs whose cells may remain."""
    kept = [c for c in previous["cells"] if not c["upstream"].get("source")]
    document: Document = {**run, "cells": kept}
    if kept:
        document["run"] = _merged_header(run["run"], previous["run"])
    return document


def _merged_header(run: Run, previous: Run) -> Run:
    """run's header, listing previous (and the runs merged into it) in ``merged_from``."""
    return {**run, "merged_from": [*previous.get("merged_from", []), _header(previous)]}


def _header(run: Run) -> MergedRun:
    """What a merged document keeps of an earlier run: enough to list it with its commit
    (its host and whether it completed where the header has them: a run being continued is
    not validated)."""
    header: MergedRun = {
        "started": run["started"],
        "corpus": run["corpus"],
        "command": run["command"],
    }
    if "host" in run:
        header["host"] = run["host"]
    if "complete" in run:
        header["complete"] = run["complete"]
    return header


def runs(document: Document) -> list[RunHeader]:
    """Every run whose cells a document may hold, oldest first: the runs merged into it
    (``merged_from``) and its own (without ``merged_from``)."""
    own = document["run"].copy()
    own.pop("merged_from", None)
    return [*document["run"].get("merged_from", []), own]


class ResultFileError(BadInput):
    """A result file that cannot be read or is not valid; the message names it."""


def load(path: Path) -> Document:
    """A result file, validated; a bad one is a ResultFileError that names it."""
    try:
        document: Document = json.loads(path.read_text(encoding="utf-8"))
        validate(document)
    except (OSError, ValueError, jsonschema.ValidationError) as exc:
        message = exc.message if isinstance(exc, jsonschema.ValidationError) else str(exc)
        raise ResultFileError(f"{path}: not a valid result file: {message}") from None
    return document


def stamp_name() -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{PLATFORM}-{os.getpid()}.json"
