"""The committed baselines (``results/baseline/<os>.json``): which one a run saves into, what
it merges with, and the other OSes' shown beside it.

Everything a save could refuse is checked before any cell runs: a baseline is what committed
code measured, and an unreadable baseline is named as bad input, not a failure after every
cell ran.
"""

from __future__ import annotations

from pathlib import Path

from harness import results
from harness.errors import BadInput
from harness.records import Document, NoBaseline
from harness.run.plan import PLATFORM


class BaselineError(BadInput):
    """A baseline cannot be saved or read as asked; the message says why."""


def path(results_dir: Path) -> Path:
    """This OS's baseline in a results folder."""
    return results_dir / "baseline" / f"{PLATFORM}.json"


def check_committed(save: bool, allow_dirty: bool) -> None:
    """From a tree with uncommitted changes (or one git cannot name), saving a baseline needs
    ``allow_dirty``; the run then records the tree as dirty and the report shows it."""
    if allow_dirty and not save:
        raise BaselineError("--allow-dirty goes with --save-baseline only")
    if not save or allow_dirty:
        return
    corpus = results.corpus_commit()
    if corpus["commit"] is None:
        raise BaselineError(
            "--save-baseline: git cannot name the corpus's commit here, so the baseline could "
            "not say what code made it; run it from a git checkout, or pass --allow-dirty"
        )
    if corpus["dirty"]:
        changed = results.uncommitted()
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        shown = ", ".join(changed[:5]) + more
        raise BaselineError(
            f"--save-baseline from a tree with uncommitted changes ({shown}): commit them "
            "first, so the baseline names the code that made it, or pass --allow-dirty (the "
            "baseline then records the tree as dirty, and the report says so)"
        )


def to_merge(
    results_dir: Path, save: bool, allow_dirty: bool, partial: bool
) -> Document | NoBaseline | None:
    """What a run that saves a baseline will merge into, if it saves one.

    A full run replaces this OS's baseline; a ``partial`` run (some cases, or some Pythons)
    replaces those cells in it and keeps the others."""
    check_committed(save, allow_dirty)
    if not save:
        return None
    file = path(results_dir)
    if not partial or not file.exists():  # full, or this OS's first cells
        return {"cells": []}
    try:
        return results.load(file)
    except ValueError as exc:
        raise BaselineError(
            f"--save-baseline merges into {file}, which is unusable: {exc}"
        ) from None


def others(results_dir: Path) -> list[Document]:
    """The other OSes' committed baselines, which the matrix shows beside this run's."""
    try:
        return [
            results.load(p)
            for p in sorted((results_dir / "baseline").glob("*.json"))
            if p.stem != PLATFORM
        ]
    except ValueError as exc:
        raise BaselineError(str(exc)) from None


def save(
    results_dir: Path,
    into: Document | NoBaseline,
    run: Document,
    cases: list[str],
    pythons: list[str],
) -> tuple[Path, Document]:
    """The run merged into ``into`` (see ``results.merged_baseline``) and written as this OS's
    baseline: where, and the document."""
    document = results.merged_baseline(into, run, cases, pythons)
    file = path(results_dir)
    results.write_document(file, document)
    return file, document
