"""The committed cells: every cell of ``results/baseline/*.json`` and ``results/history/*.json``,
the evidence that prose about the corpus may rest on (figures, "confirmed", "natively")."""

from __future__ import annotations

import json
from pathlib import Path

from harness import results
from harness.records import Cell

RESULTS = results.ROOT / "results"
FOLDERS = ("baseline", "history")


def cells(results_dir: Path = RESULTS) -> list[Cell]:
    """Every cell of the committed baseline and release histories, of any schema version (a
    history kept from an older harness still says what ran); an unreadable file is a ResultFileError
    naming it."""
    found: list[Cell] = []
    for folder in FOLDERS:
        for path in sorted((results_dir / folder).glob("*.json")):
            try:
                found += json.loads(path.read_text(encoding="utf-8"))["cells"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise results.ResultFileError(f"{path}: not a result file: {exc}") from None
    return found
