"""Exit statuses: bad input gets a clear error (exit 2) naming what was wrong, before anything
runs; a fault of the harness is exit 3 with its traceback; cells run longest first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import baselines, cli, results
from harness.corpus import metadata
from harness.run import batch, plan
from harness.studies import regression
from tests.corpus.test_metadata import VALID, write_case


def main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        pytest.param(["nope-1"], "unknown case id 'nope-1'", id="unknown case"),
        pytest.param(
            ["werkzeug-3039", "--variant", "fixed"], "has no variant 'fixed'", id="unknown variant"
        ),
        pytest.param(
            ["werkzeug-3039", "--upstream", "flask==3.0.0"],
            "takes werkzeug==VERSION",
            id="another package",
        ),
        pytest.param(
            ["werkzeug-3039", "--upstream", "werkzeug==99.0"],
            "werkzeug has no release '99.0' on PyPI",
            id="unknown release",
            marks=pytest.mark.matrix,
        ),
    ],
)
def test_bad_run_input_is_named(capsys, tmp_path: Path, extra: list[str], message: str) -> None:
    code, err = main(capsys, "run", *extra, "--python", "3.11", "--results", str(tmp_path))
    assert code == 2 and message in err, err


def test_report_of_a_bad_file(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("not json")
    code, err = main(capsys, "report", str(bad), "--out", str(tmp_path))
    assert code == 2 and "x.json: not a valid result file" in err


def test_a_harness_fault_exits_3_with_its_traceback(capsys, monkeypatch) -> None:
    def broken(*_: object) -> list:
        raise RuntimeError("a bug in the harness")

    monkeypatch.setattr(metadata, "load_all", broken)
    code, err = main(capsys, "cases")
    assert code == 3
    assert "Traceback" in err and "RuntimeError: a bug in the harness" in err


@pytest.mark.parametrize(
    "extra, message",
    [
        pytest.param(["--case", "werkzeug-3039"], "which is unusable", id="bad baseline"),
        pytest.param(["--python", "3.11"], "which is unusable", id="bad baseline, one python"),
    ],
)
def test_save_baseline_refuses_before_running(
    capsys, tmp_path, monkeypatch, extra, message
) -> None:
    monkeypatch.setattr(results, "corpus_commit", lambda: {"commit": "abc", "dirty": False})
    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / f"{plan.PLATFORM}.json").write_text("{corrupt")
    code, err = main(
        capsys, "all", *extra, "--save-baseline", "--results", str(tmp_path), "--jobs", "1"
    )
    assert code == 2 and message in err, err
    assert not (tmp_path / "runs").exists()  # nothing ran


def test_an_unreadable_baseline_of_another_os_stops_the_run_before_it_starts(
    capsys, tmp_path
) -> None:
    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / "win32.json").write_text("{corrupt")
    code, err = main(capsys, "all", "--python", "3.11", "--results", str(tmp_path))
    assert code == 2 and "win32.json: not a valid result file" in err, err
    assert not (tmp_path / "runs").exists()


def test_an_unreadable_history_stops_a_history_run_before_it_starts(capsys, tmp_path) -> None:
    history = tmp_path / "history" / f"werkzeug-3039-py3.11-{plan.PLATFORM}.json"
    history.parent.mkdir()
    history.write_text("{corrupt")
    code, err = main(capsys, "history", "werkzeug-3039", "--results", str(tmp_path))
    assert code == 2 and f"{history}: not a valid result file" in err, err
    assert "afresh" in err and history.read_text() == "{corrupt"  # named, kept, nothing ran


def test_blinding_a_probe_the_check_does_not_use_is_bad_input(capsys, tmp_path) -> None:
    code, err = main(
        capsys,
        "run",
        "werkzeug-3039",
        "--python",
        "3.11",
        "--blind",
        "growth",
        "--results",
        str(tmp_path),
    )
    assert code == 2 and "--blind 'growth'" in err


def test_cells_start_longest_first_by_this_oss_baseline(tmp_path, monkeypatch) -> None:
    case = metadata.load_case("werkzeug-3039")
    cells = plan.cells([case], ["3.11", "3.12"], variant="affected")
    planned = [plan.Planned(c) for c in cells]
    took = {results.cell_key(c.fields()): float(i) for i, c in enumerate(cells)}
    document = {
        "cells": [{**c.fields(), "duration_s": took[results.cell_key(c.fields())]} for c in cells]
    }
    (tmp_path / "baseline").mkdir()
    path = tmp_path / "baseline" / f"{plan.PLATFORM}.json"
    path.write_text(json.dumps(document))
    monkeypatch.setattr(results, "load", lambda p: json.loads(Path(p).read_text()))
    ordered = batch.longest_first(planned, tmp_path)
    assert [p.cell for p in ordered] == list(reversed(cells))


def test_a_flip_with_drifted_dependencies_is_run_again_with_the_baselines_pinned(
    tmp_path, monkeypatch
) -> None:
    """regression's second pass: only the flipped, drifted cell runs again, in an environment
    constrained to the baseline's dependencies (the upstream release left free), and its record
    lands in a run file of its own beside the first."""
    case = metadata.load(write_case(tmp_path / "cases", VALID))
    cells = plan.cells([case], ["3.11", "3.12"], variant="affected")
    planned = [plan.Planned(c, requirements=("demo==1.0", "psutil")) for c in cells]
    records = [
        {
            **p.cell.fields(),
            "upstream": {"package": "demo", "version": "1.0"},
            "outcome": now,
            "distributions": {"demo": "1.0", "a": "2"},
        }
        for p, now in zip(planned, ["leak", "clean"])
    ]
    baseline = [
        {**r, "outcome": "clean", "distributions": {"Demo": "0.9", "a": "1"}} for r in records
    ]
    ran: list[plan.Planned] = []

    def fake_run(again, settings, writer) -> None:
        ran.extend(again)
        for p in again:
            writer.add({**p.cell.fields(), "outcome": "leak", "requirements": p.requirements})

    monkeypatch.setattr(batch, "run_planned", fake_run)
    settings = batch.Settings(envs=tmp_path / "envs", results=tmp_path, pypi_cache=tmp_path)
    first = tmp_path / "runs" / "regression-x.json"
    again = regression.pinned_reruns(
        planned, records, baseline, settings, "python -m harness regression", first
    )
    [rerun] = ran
    assert rerun.cell == planned[0].cell
    assert rerun.requirements[:2] == ("demo==1.0", "psutil")
    assert rerun.requirements[2] == "-c"
    assert Path(rerun.requirements[3]).read_text() == "a==1\n"
    written = json.loads((tmp_path / "runs" / "regression-x-pinned.json").read_text())
    assert [c["python_requested"] for c in written["cells"]] == ["3.11"]
    assert [c["python_requested"] for c in again] == ["3.11"]


def _tree(monkeypatch: pytest.MonkeyPatch, commit: str | None, changed: list[str]) -> None:
    monkeypatch.setattr(
        results, "corpus_commit", lambda: {"commit": commit, "dirty": bool(changed)}
    )
    monkeypatch.setattr(results, "uncommitted", lambda: changed)


@pytest.mark.parametrize(
    "commit, changed, message",
    [
        pytest.param(
            "abc",
            ["cases/x/case.toml", "harness/a.py", "b", "c", "d", "e"],
            "uncommitted changes (cases/x/case.toml, harness/a.py, b, c, d and 1 more)",
            id="uncommitted changes",
        ),
        pytest.param(None, [], "git cannot name the corpus's commit", id="no commit"),
    ],
)
def test_save_baseline_from_code_no_commit_holds_is_refused(
    capsys, tmp_path, monkeypatch, commit, changed, message
) -> None:
    _tree(monkeypatch, commit, changed)
    code, err = main(
        capsys, "all", "--case", "werkzeug-3039", "--save-baseline", "--results", str(tmp_path)
    )
    assert code == 2 and message in err and "--allow-dirty" in err, err
    assert not (tmp_path / "runs").exists()  # nothing ran


def test_allow_dirty_lets_a_baseline_from_uncommitted_changes_through(monkeypatch) -> None:
    _tree(monkeypatch, "abc", ["harness/a.py"])
    baselines.check_committed(save=True, allow_dirty=True)  # no BaselineError
    _tree(monkeypatch, "abc", [])
    baselines.check_committed(save=True, allow_dirty=False)


def test_allow_dirty_without_save_baseline_is_bad_input(capsys, tmp_path) -> None:
    code, err = main(capsys, "all", "--allow-dirty", "--results", str(tmp_path))
    assert code == 2 and "--allow-dirty goes with --save-baseline only" in err, err
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("python", ["3.1", "3.99", "3.11.7"])
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["all"], id="all"),
        pytest.param(["all", "--case", "werkzeug-3039"], id="one case"),
        pytest.param(["run", "werkzeug-3039"], id="run"),
        pytest.param(["regression"], id="regression"),
        pytest.param(["history", "werkzeug-3039"], id="history"),
        pytest.param(["blind", "--case", "werkzeug-3039"], id="blind"),
    ],
)
def test_a_python_the_corpus_is_not_configured_for_is_bad_input(
    capsys, tmp_path, command: list[str], python: str
) -> None:
    code, err = main(capsys, *command, "--python", python, "--results", str(tmp_path))
    assert code == 2 and f"--python {python}: not one of the corpus's Pythons" in err, err
    assert not (tmp_path / "runs").exists() and not (tmp_path / "history").exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
@pytest.mark.parametrize("command", [["all"], ["run", "werkzeug-3039", "--python", "3.11"]])
def test_jobs_below_one_is_bad_input(capsys, tmp_path, command: list[str], jobs: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main([*command, "--jobs", jobs, "--results", str(tmp_path)])
    assert stopped.value.code == 2 and "--jobs" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()
