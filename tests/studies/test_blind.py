"""Blinded runs (harness/studies/blind.py): one row per check and probe, run one batch per
probe into one result file, the table written; a run of some cases merges its rows into the
table already there."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness import results
from harness.corpus import metadata
from harness.run import batch, plan
from harness.studies import blind
from tests.corpus.test_metadata import VALID, write_case

TWO_PROBES = VALID.replace(
    'probes = [{ probe = "gc_survivors", label = "owners" }]',
    'probes = [{ probe = "gc_survivors", label = "owners" }, '
    '{ probe = "open_fds", label = "fds" }]',
)


def _case(tmp_path: Path, text: str = TWO_PROBES, case_id: str = "demo-1") -> metadata.Case:
    """The demo case (two probes in its check unless ``text`` says otherwise), as ``case_id``."""
    case = metadata.load(write_case(tmp_path / "cases", text))
    return dataclasses.replace(case, id=case_id)


def test_a_row_per_check_and_probe_on_the_plain_affected_release(tmp_path: Path) -> None:
    rows = blind.plan_rows([_case(tmp_path)], "3.11")
    assert [(r.cell.check.name, r.probe) for r in rows] == [
        ("main", "gc_survivors"),
        ("main", "open_fds"),
    ]
    assert {(r.cell.variant.name, r.cell.release, r.cell.python) for r in rows} == {
        ("affected", "1.0", "3.11")
    }


def test_a_probe_named_twice_in_a_check_is_one_row(tmp_path: Path) -> None:
    twice = VALID.replace(
        'probes = [{ probe = "gc_survivors", label = "owners" }]',
        'probes = [{ probe = "gc_survivors", label = "a" }, '
        '{ probe = "gc_survivors", label = "b" }]',
    )
    assert [r.probe for r in blind.plan_rows([_case(tmp_path, twice)], "3.11")] == ["gc_survivors"]


def _record(cell: plan.Cell, probe: str, outcome: str = "error") -> dict:
    return {
        **cell.fields(),
        "upstream": {"package": cell.case.package, "version": cell.release},
        "outcome": outcome,
        "reason": f"no {probe} evidence | of any kind",
        "blind": [probe],
        "agrees": outcome == "error",
    }


@pytest.fixture
def fake_batches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[plan.Cell], tuple[str, ...]]]:
    """batch.execute replaced: each cell becomes an error record blinded as the settings say,
    added to the writer as the engine adds it; what each batch ran, and blinded, is kept."""
    ran: list[tuple[list[plan.Cell], tuple[str, ...]]] = []

    def execute(cells, settings, writer, source=None):
        ran.append((list(cells), settings.blind))
        for cell in cells:
            writer.add(_record(cell, settings.blind[0]))
        return []

    monkeypatch.setattr(batch, "execute", execute)
    return ran


def _settings(tmp_path: Path) -> batch.Settings:
    return batch.Settings(envs=tmp_path / "envs", results=tmp_path, pypi_cache=tmp_path)


def test_a_check_with_two_probes_gives_a_record_per_probe(tmp_path: Path, fake_batches) -> None:
    """Both blinded runs of one cell stay in the run file: the second is not the first's rerun
    (this was a KeyError in run_rows)."""
    rows = blind.plan_rows([_case(tmp_path)], "3.11")
    writer = results.RunWriter(tmp_path / "run.json", results.new_run("test", "uv"))
    settings = _settings(tmp_path)
    records = blind.run_rows(rows, settings, writer)
    assert [r["blind"] for r in records] == [["gc_survivors"], ["open_fds"]]
    assert [blinded for _, blinded in fake_batches] == [("gc_survivors",), ("open_fds",)]
    assert settings.blind == ()  # the caller's settings are not changed
    assert len(writer.document["cells"]) == 2


def _table(rows: list[blind.Row], outcome: str = "error", python: str = "3.11") -> str:
    records = [_record(r.cell, r.probe, outcome) for r in rows]
    return blind.table([], records, python, rows)


def test_the_table_has_a_row_per_record_and_counts_them(tmp_path: Path) -> None:
    rows = blind.plan_rows([_case(tmp_path)], "3.11")
    text = _table(rows)
    assert text.startswith(
        "Blinded runs on Python 3.11 (every one of 2 blinded runs is an error; 0 skipped)."
    )
    assert (
        "| demo-1 | main | affected@1.0 | open_fds | **error** | no open_fds evidence / of" in text
    )
    python, parsed = blind.parse(text)
    assert python == "3.11"
    assert [(r.key, r.outcome) for r in parsed] == [
        (("demo-1", "main", "gc_survivors"), "error"),
        (("demo-1", "main", "open_fds"), "error"),
    ]


def test_one_cases_run_merges_its_rows_and_keeps_the_others(tmp_path: Path) -> None:
    first, second = _case(tmp_path), _case(tmp_path, case_id="demo-2")
    every = blind.plan_rows([first, second], "3.11")
    path = tmp_path / "blind.md"
    path.write_text(_table(every))
    mine = blind.plan_rows([second], "3.11")
    old = blind.previous(path, "3.11", partial=True)
    text = blind.table(old, [_record(r.cell, r.probe, "clean") for r in mine], "3.11", every)
    _, merged = blind.parse(text)
    assert [(r.case, r.outcome) for r in merged] == [
        ("demo-1", "error"),
        ("demo-1", "error"),
        ("demo-2", "clean"),
        ("demo-2", "clean"),
    ]
    assert "2 of 4 blinded runs are NOT errors" in text
    kept = [line for line in path.read_text().splitlines() if line.startswith("| demo-1 |")]
    assert all(line in text.splitlines() for line in kept)  # the others' rows as they were


def test_a_run_of_every_case_writes_the_table_afresh(tmp_path: Path) -> None:
    path = tmp_path / "blind.md"
    path.write_text(_table(blind.plan_rows([_case(tmp_path, case_id="gone-1")], "3.11")))
    assert blind.previous(path, "3.11", partial=False) == []
    rows = blind.plan_rows([_case(tmp_path)], "3.11")
    old = blind.previous(path, "3.11", partial=True)
    _, merged = blind.parse(blind.table(old, [], "3.11", rows))
    assert merged == []  # a case the corpus no longer has leaves the table


def test_rows_of_another_python_are_not_merged(tmp_path: Path) -> None:
    path = tmp_path / "blind.md"
    path.write_text(_table(blind.plan_rows([_case(tmp_path)], "3.11"), python="3.11"))
    with pytest.raises(blind.BlindError, match="is of Python 3.11: merging rows of Python 3.12"):
        blind.previous(path, "3.12", partial=True)
