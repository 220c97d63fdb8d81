"""The two sabotages of issue 20 come out `error`, never `clean`: a copy of the case with the
sabotage applied, run as a real cell (Python 3.11, the release from PyPI). Each sabotage keeps
every canary alive and every control passing; only the check's path record can notice it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from harness.corpus import metadata
from harness.run import plan
from harness.run.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.matrix


def _sabotaged(tmp_path: Path, case_id: str, file: str, old: str, new: str) -> metadata.Case:
    copy = tmp_path / "cases" / case_id
    shutil.copytree(metadata.CASES / case_id, copy)
    target = copy / file
    text = target.read_text()
    assert text.count(old) == 1, f"the sabotage no longer applies to {file}"
    target.write_text(text.replace(old, new))
    return metadata.load(copy / "case.toml")


def _run(tmp_path: Path, case: metadata.Case, check: str, release: str) -> dict:
    variant = dataclasses.replace(case.variants["affected"], releases=(release,))
    cell = plan.Cell(case, case.checks[check], variant, release, "3.11")
    planned = plan.resolve(cell, ROOT / ".nox" / "pypi")
    if planned.skip:
        pytest.skip(planned.skip)
    work = tmp_path / "work"
    work.mkdir()
    return Engine(ROOT / ".nox" / "cells").run_cell(planned, work)


def test_an_adhoc_key_written_outside_the_inspected_temp_dir_is_an_error(tmp_path: Path) -> None:
    # The server writes its generated key to another folder: the probe, which lists the run's
    # temp dir, sees no key, and the canary (left by the reproducer) is still there.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    case = _sabotaged(
        tmp_path,
        "werkzeug-adhoc-ssl-key-left",
        "serve_adhoc.py",
        "def main() -> None:\n",
        f"def main() -> None:\n    import tempfile\n    tempfile.tempdir = {str(elsewhere)!r}\n",
    )
    record = _run(tmp_path, case, "sigterm", "3.1.9")
    assert any(elsewhere.iterdir()), "the sabotage left no key elsewhere: it did not run"
    assert record["outcome"] == "error", record["reason"]
    assert "key-loaded-from-inspected-temp-dir" in record["reason"]


def test_uploads_below_the_spooling_threshold_are_an_error_on_the_real_server(
    tmp_path: Path,
) -> None:
    # 400 KB uploads: Werkzeug's form parser keeps each part in memory, so the server check's
    # code path (a part spooled to a file and closed with the request) never runs.
    case = _sabotaged(
        tmp_path,
        "werkzeug-testclient-spooled-upload",
        "uploads.py",
        "SIZE = 2 * 1024 * 1024\n",
        "SIZE = 400 * 1024\n",
    )
    record = _run(tmp_path, case, "server", "3.1.9")
    assert record["outcome"] == "error", record["reason"]
    assert "form-part-spooled-to-file" in record["reason"]
