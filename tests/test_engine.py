"""The engine: a harness fault in one cell is that cell's error and the run goes on; an error
ends a cell's repeats; expectations, skips, absent cells and blinded cells are recorded as
the vocabulary says."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from harness import engine, history, metadata, plan, results, venvs
from harness.interpreters import Interpreter
from harness.outcomes import Outcome

from .conftest import make_check
from .test_metadata import VALID, write_case


@pytest.fixture
def case(tmp_path: Path) -> metadata.Case:
    return metadata.load(write_case(tmp_path, VALID))


def planned(
    case: metadata.Case,
    script: str = "survivors.py",
    mode: str = "leak",
    *,
    variant: str = "affected",
    upstream: str = "1.0",
    repeat: int = 1,
    skip: str | None = None,
) -> plan.Planned:
    check = dataclasses.replace(
        make_check(script, mode, [("gc_survivors", {"label": "owners"})]),
        name="main",
        repeat=repeat,
    )
    cell = plan.Cell(case, check, case.variants[variant], upstream, "3.11")
    interpreter = Interpreter("3.11", sys.executable, "3.11.7")
    return plan.Planned(cell, interpreter, upstream, (f"demo=={upstream}",), skip)


@pytest.fixture
def fake_envs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Cells run with this interpreter; mode 'fault' breaks the harness, 'env-fails' the env."""

    def env(self: engine.Engine, p: plan.Planned):
        if p.cell.check.args == ("fault",):
            raise RuntimeError("a bug in the harness")
        if p.cell.check.args == ("env-fails",):
            raise venvs.EnvError("no wheel for this Python")
        return venvs.Env(tmp_path, "none", Path(sys.executable)), {"demo": p.upstream}

    monkeypatch.setattr(engine.Engine, "_env", env)


def test_a_fault_in_one_cell_is_its_error_and_the_run_goes_on(case, fake_envs, tmp_path) -> None:
    records = engine.Engine(tmp_path / "envs", jobs=1).run(
        [planned(case, mode="fault"), planned(case, mode="leak")]
    )
    assert records[0]["outcome"] == Outcome.ERROR
    assert "the harness failed in this cell" in records[0]["reason"]
    assert "RuntimeError: a bug in the harness" in records[0]["reason"]
    assert records[1]["outcome"] == Outcome.LEAK and records[1]["agrees"] is True


def test_an_error_ends_the_repeats_of_a_cell(case, fake_envs, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs").run_cell(
        planned(case, "misbehaving.py", "no-trigger", repeat=3), tmp_path
    )
    assert record["outcome"] == Outcome.ERROR
    assert len(record["evidence"]["runs"]) == 1


def test_repeats_run_as_often_as_the_check_says(case, fake_envs, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs").run_cell(planned(case, repeat=2), tmp_path)
    assert record["outcome"] == Outcome.LEAK and len(record["evidence"]["runs"]) == 2


def test_a_cell_no_rule_covers_names_the_missing_rule(case, fake_envs, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs").run_cell(
        planned(case, mode="clean", variant="fixed", upstream="0.9"), tmp_path
    )
    assert record["expected"] is None and record["agrees"] is False
    assert "no [[expect]] rule of cases/demo-1/case.toml covers" in record["expected_why"]
    assert "'fixed'" in record["expected_why"] and "demo 0.9" in record["expected_why"]


def test_a_skip_neither_agrees_nor_disagrees(case, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs").run_cell(
        planned(case, skip="Python 3.11 is not installed here"), tmp_path
    )
    assert record["outcome"] == Outcome.SKIP and record["agrees"] is None


def test_a_blinded_cell_is_expected_to_be_an_error(case, fake_envs, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs", blind=("gc_survivors",)).run_cell(
        planned(case), tmp_path
    )
    assert record["blind"] == ["gc_survivors"]
    assert record["outcome"] == record["expected"] == Outcome.ERROR and record["agrees"]


@pytest.mark.parametrize(
    "mode, outcome", [("absent", Outcome.ABSENT), ("contradiction", Outcome.ERROR)]
)
def test_a_release_without_the_code_path_is_absent(case, fake_envs, tmp_path, mode, outcome):
    record = engine.Engine(tmp_path / "envs").run_cell(planned(case, "absent.py", mode), tmp_path)
    assert record["outcome"] == outcome, record["reason"]


def test_a_cell_that_does_not_install_is_listed_so_by_history(case, fake_envs, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs").run_cell(planned(case, mode="env-fails"), tmp_path)
    assert record["outcome"] == Outcome.ERROR
    text = history.render(case, "3.11", [record])
    assert "- skipped or not installable: 1.0 (does not install: no wheel" in text
    assert "- no verdict" not in text


def test_the_planned_cell_and_its_record_share_one_key(case, fake_envs, tmp_path) -> None:
    p = planned(case)
    record = engine.Engine(tmp_path / "envs").run_cell(p, tmp_path)
    assert results.cell_key(p.cell.fields()) == results.cell_key(record)
