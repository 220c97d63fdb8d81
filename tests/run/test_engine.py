"""The engine: a harness fault in one cell is that cell's error and the run goes on; an error
ends a cell's repeats; expectations, skips, absent cells and blinded cells are recorded as
the vocabulary says."""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from harness import results
from harness.corpus import metadata
from harness.outcomes import Outcome, tail
from harness.run import engine, interpreters, plan, runner, sources, venvs, verdict
from harness.run.interpreters import Interpreter
from harness.run.probes.base import Observation
from harness.studies import history
from tests.conftest import make_check
from tests.corpus.test_metadata import VALID, write_case


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
    for run in record["evidence"]["runs"]:  # each run's evidence is kept
        assert run["outcome"] == Outcome.LEAK and run["exit_code"] == 0
        assert run["reason"] == record["reason"]
        assert run["findings"]["gc_survivors"]["outcome"] == Outcome.LEAK
        assert run["recorded"]["trigger"] and run["duration_s"] > 0


def test_a_cell_no_rule_covers_names_the_missing_rule(case, fake_envs, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs").run_cell(
        planned(case, mode="clean", variant="fixed", upstream="0.9"), tmp_path
    )
    assert record["expected"] is None and record["agrees"] is False
    assert record["expected_why"] == verdict.no_rule(
        "demo-1", "main", "fixed", "demo 0.9", "3.11.7", plan.PLATFORM
    )
    assert "no [[expect]] rule of cases/demo-1/case.toml covers" in record["expected_why"]


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


def _absent(launch, work_root: Path) -> runner.RunResult:
    """A run that took no time and found no such code path (runs no process)."""
    evidence = {"absent": "no such code path", "patched": True}
    return runner.RunResult(Observation(evidence), 0, False, (), 0.0)


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[runner.Launch, Path]]:
    """Every (launch, work root) the engine hands the runner; each run comes back absent."""
    seen: list[tuple[runner.Launch, Path]] = []

    def run(launch: runner.Launch, work_root: Path) -> runner.RunResult:
        seen.append((launch, work_root))
        return _absent(launch, work_root)

    monkeypatch.setattr(runner, "run", run)
    return seen


def test_a_run_is_launched_with_everything_its_check_and_variant_say(
    case, fake_envs, launches, tmp_path
) -> None:
    p = planned(case)
    check = dataclasses.replace(p.cell.check, timeout=7.5, env={"DEMO_FLAG": "1"})
    variant = dataclasses.replace(
        p.cell.variant, patch=tmp_path / "patch.py", workaround=tmp_path / "workaround.py"
    )
    p = dataclasses.replace(p, cell=dataclasses.replace(p.cell, check=check, variant=variant))
    record = engine.Engine(tmp_path / "envs", blind=("gc_survivors",)).run_cell(p, tmp_path)
    assert launches == [
        (
            runner.Launch(
                python=sys.executable,
                script=check.reproducer,
                args=("leak",),
                timeout=7.5,
                variant="affected",
                patch=tmp_path / "patch.py",
                workaround=tmp_path / "workaround.py",
                env={"DEMO_FLAG": "1"},
                blind=("gc_survivors",),
            ),
            tmp_path,
        )
    ]
    assert record["distributions"] == {"demo": "1.0"}
    assert record["outcome"] == Outcome.ABSENT
    assert record["reason"] == "no such code path: no such code path"


def test_run_evidence_keeps_fifty_leftovers_and_the_tail_of_stderr() -> None:
    observation = Observation(
        {"trigger": True},
        stderr="x" * 5000 + "the last line",
        leftovers=tuple(f"f{i}" for i in range(60)),
    )
    result = runner.RunResult(observation, 3, False, (), 1.25)
    judged = verdict.RunVerdict(Outcome.LEAK, "it leaked", {"probe": {"outcome": "leak"}})
    assert engine._run_evidence(result, judged) == {
        "outcome": Outcome.LEAK,
        "reason": "it leaked",
        "exit_code": 3,
        "duration_s": 1.25,
        "findings": {"probe": {"outcome": "leak"}},
        "recorded": {"trigger": True},
        "leftovers": [f"f{i}" for i in range(50)],
        "stderr_tail": tail(observation.stderr),
    }


class Clock:
    """time.monotonic for the engine: the cell starts at 100 s and ends 1.23456 s later."""

    def __init__(self) -> None:
        self.readings = iter([100.0, 101.23456])

    def monotonic(self) -> float:
        return next(self.readings)


def test_a_skipped_cell_is_recorded_with_its_reason_and_no_evidence(
    case, monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(engine, "time", Clock())
    p = dataclasses.replace(planned(case), interpreter=None, upstream=None, requirements=())
    p = dataclasses.replace(p, skip="Python 3.11 is not installed here")
    record = engine.Engine(tmp_path / "envs").run_cell(p, tmp_path)
    assert record == {
        "case": "demo-1",
        "check": "main",
        "variant": "affected",
        "release": "1.0",
        "python": None,
        "python_requested": "3.11",
        "os": plan.PLATFORM,
        "upstream": {"package": "demo", "version": None},
        "evidence_kind": "native",
        "evidence": {"runs": []},
        "distributions": {},
        "blind": [],
        "outcome": Outcome.SKIP,
        "reason": "Python 3.11 is not installed here",
        "expected": None,
        "expected_why": None,
        "agrees": None,
        "duration_s": 1.235,
    }


# The rule for the affected variant filters on every field of the cell, so that each must reach
# the rule lookup as the cell has it.
FILTERED = VALID.replace(
    'variants = ["affected"]\n',
    f'variants = ["affected"]\nchecks = ["main"]\npython = ">=3.8"\n'
    f'platforms = ["{plan.PLATFORM}"]\n',
)


def test_the_rule_that_covers_a_cell_gives_its_expectation_and_why(fake_envs, tmp_path) -> None:
    case = metadata.load(write_case(tmp_path, FILTERED))
    record = engine.Engine(tmp_path / "envs").run_cell(planned(case), tmp_path)
    assert record["outcome"] == record["expected"] == Outcome.LEAK
    assert record["expected_why"] == "issue #1" and record["agrees"] is True


def test_a_source_that_does_not_install_has_no_version_and_no_rule(
    case, fake_envs, tmp_path
) -> None:
    p = dataclasses.replace(planned(case, mode="env-fails"), upstream=None, source=VCS)
    record = engine.Engine(tmp_path / "envs").run_cell(p, tmp_path)
    assert record["outcome"] == Outcome.ERROR and record["expected"] is None
    assert record["upstream"] == {"package": "demo", "version": None, "source": VCS.record()}
    assert record["expected_why"] == verdict.no_rule(
        "demo-1", "main", "affected", "demo None", "3.11.7", plan.PLATFORM
    )


def test_a_blinded_cell_says_which_channels_were_off(case, fake_envs, tmp_path) -> None:
    record = engine.Engine(tmp_path / "envs", blind=("gc_survivors", "temp_files")).run_cell(
        planned(case), tmp_path
    )
    assert record["expected_why"].startswith(
        "blinded on gc_survivors, temp_files: with the channel off, the run has no proof"
    )


# A tree whose version is dynamic (known once installed), and one that declares its own.
VCS = sources.Source(
    "Demo", "demo @ git+https://example.invalid/demo.git@main", "vcs",
    "https://example.invalid/demo.git@main", None, None, None, "tree-1",
)  # fmt: skip
PATH = sources.Source("demo", "demo @ file:///src/demo", "path", "/src/demo", "1.0", "cafe",
                      True, "tree-2")  # fmt: skip


@pytest.fixture
def installs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, object]:
    """What the cell's environment holds ('dists') and PEP 610 says of the source ('direct')."""
    state: dict[str, object] = {"dists": {}, "direct": None}
    python = Path(sys.executable)

    def env(self: engine.Engine, p: plan.Planned):
        return venvs.Env(tmp_path, "none", python), dict(state["dists"])

    def direct_url(at: Path, package: str):
        assert (at, package) == (python, state["package"]), "asked about the wrong install"
        return state["direct"]

    monkeypatch.setattr(engine.Engine, "_env", env)
    monkeypatch.setattr(venvs, "direct_url", direct_url)
    return state


def test_a_vcs_source_records_the_commit_and_version_it_installed(
    case, installs, launches, tmp_path
) -> None:
    installs.update(
        package="Demo",
        dists={"DEMO": "1.2.dev3", "other": "2"},
        direct={"url": "https://example.invalid/demo.git", "vcs_info": {"commit_id": "deadbeef"}},
    )
    p = dataclasses.replace(planned(case), upstream=None, source=VCS)
    record = engine.Engine(tmp_path / "envs").run_cell(p, tmp_path)
    assert record["outcome"] == Outcome.ABSENT, record["reason"]
    assert record["upstream"] == {
        "package": "demo",
        "version": "1.2.dev3",
        "source": {
            "kind": "vcs",
            "location": "https://example.invalid/demo.git@main",
            "commit": "deadbeef",
            "dirty": None,
            "declared_version": "1.2.dev3",
        },
    }
    assert record["expected_why"] == (
        "PR #2 [unreleased vcs https://example.invalid/demo.git@main: the rules are applied "
        "to the version it declares, 1.2.dev3]"
    )


@pytest.mark.parametrize("direct", [None, {"url": "file:///src/demo", "dir_info": {}}])
def test_a_folder_source_keeps_its_declared_version_and_commit(
    case, installs, launches, tmp_path, direct
) -> None:
    installs.update(package="demo", dists={"other": "2"}, direct=direct)
    p = dataclasses.replace(planned(case), upstream="1.0", source=PATH)
    record = engine.Engine(tmp_path / "envs").run_cell(p, tmp_path)
    assert record["outcome"] == Outcome.ABSENT, record["reason"]
    assert record["upstream"] == {"package": "demo", "version": "1.0", "source": PATH.record()}
    assert PATH.record()["commit"] == "cafe" and PATH.record()["declared_version"] == "1.0"


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every environment the engine asks venvs to build (nothing is built); each holds demo 1.0,
    and how often its distributions were listed is counted under 'listed'."""
    built: list[tuple] = []

    def ensure(location, interpreter, requirements, backend, rebuild=()):
        built.append((location, interpreter, requirements, backend, rebuild))
        return venvs.Env(location, backend, location / "bin" / "python")

    def installed(python: Path):
        built.append(("listed", python))
        return "3.11.7", {"demo": "1.0"}

    monkeypatch.setattr(venvs, "ensure", ensure)
    monkeypatch.setattr(interpreters, "installed", installed)
    return built


def test_an_environment_is_keyed_by_interpreter_requirements_and_backend(
    case, builds, tmp_path
) -> None:
    eng = engine.Engine(tmp_path / "envs", backend="virtualenv")
    first = eng._env(planned(case))
    again = eng._env(planned(case))
    key = venvs.env_key(sys.executable, ["demo==1.0"], "virtualenv")
    where = tmp_path / "envs" / f"py3.11-{key}"
    env = venvs.Env(where, "virtualenv", where / "bin" / "python")
    assert first == again == (env, {"demo": "1.0"})
    build = (where, sys.executable, ["demo==1.0"], "virtualenv", ())
    assert builds == [build, ("listed", env.python), build]  # listed once, then remembered


def test_an_environment_resolved_as_of_a_day_is_not_reused_for_another(
    case, builds, tmp_path, monkeypatch
) -> None:
    """With UV_EXCLUDE_NEWER set, uv resolves the dependencies as of that day: an environment
    built without it (or for another day) holds other releases and must not be reused."""
    eng = engine.Engine(tmp_path / "envs", backend="virtualenv")
    monkeypatch.delenv("UV_EXCLUDE_NEWER", raising=False)
    eng._env(planned(case))
    monkeypatch.setenv("UV_EXCLUDE_NEWER", "2026-11-22T06:28:59+00:00")
    eng._env(planned(case))
    key = venvs.env_key(
        sys.executable, ["demo==1.0", "# as of 2026-11-22T06:28:59+00:00"], "virtualenv"
    )
    assert [b[0].name for b in builds if b[0] != "listed"][-1] == f"py3.11-{key}"
    assert len({b[0] for b in builds if b[0] != "listed"}) == 2


def test_a_source_keys_its_environment_by_its_content_and_is_reinstalled(
    case, builds, tmp_path
) -> None:
    p = dataclasses.replace(planned(case), requirements=(VCS.requirement,), source=VCS)
    engine.Engine(tmp_path / "envs")._env(p)
    key = venvs.env_key(sys.executable, [VCS.requirement, "# tree-1"], venvs.DEFAULT_BACKEND)
    assert builds[0] == (
        tmp_path / "envs" / f"py3.11-{key}",
        sys.executable,
        [VCS.requirement],
        venvs.DEFAULT_BACKEND,
        ("Demo",),
    )


def test_different_environments_are_built_side_by_side(case, monkeypatch, tmp_path) -> None:
    """Only builds of one environment wait for each other: the first build here waits for the
    second to start, which it could not if every build took the same lock."""
    first_started, second_started = threading.Event(), threading.Event()
    waited: list[bool] = []

    def ensure(location, interpreter, requirements, backend, rebuild=()):
        if requirements == ["demo==1.0"]:
            first_started.set()
            waited.append(second_started.wait(timeout=5))
        else:
            second_started.set()
        return venvs.Env(location, backend, Path(sys.executable))

    monkeypatch.setattr(venvs, "ensure", ensure)
    monkeypatch.setattr(interpreters, "installed", lambda python: ("3.11.7", {}))
    eng = engine.Engine(tmp_path / "envs")
    first = threading.Thread(target=eng._env, args=(planned(case),))
    first.start()
    assert first_started.wait(timeout=5)
    eng._env(planned(case, upstream="2.0"))
    first.join()
    assert waited == [True]


def numbered(case: metadata.Case, n: int) -> plan.Planned:
    """A cell of release n whose runs carry n in their environment (CELL)."""
    p = planned(case, upstream=str(n))
    check = dataclasses.replace(p.cell.check, env={"CELL": str(n)})
    return dataclasses.replace(p, cell=dataclasses.replace(p.cell, check=check))


def test_a_run_works_in_a_temp_dir_of_its_own_and_removes_it(
    case, fake_envs, launches, monkeypatch, tmp_path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    reported: list[dict] = []
    eng = engine.Engine(tmp_path / "envs", on_cell=reported.append)
    records = eng.run([numbered(case, 1), numbered(case, 2)])
    assert [r["release"] for r in records] == ["1", "2"] and reported == records
    work_roots = {work_root for _, work_root in launches}
    assert len(work_roots) == 1 and len(launches) == 2
    (work_root,) = work_roots
    assert work_root.parent == scratch and work_root.name.startswith("leak-corpus-")
    assert list(scratch.iterdir()) == []


def test_a_run_whose_temp_dir_is_already_gone_still_returns_its_records(
    case, fake_envs, monkeypatch, tmp_path
) -> None:
    def run(launch: runner.Launch, work_root: Path) -> runner.RunResult:
        shutil.rmtree(work_root)
        return _absent(launch, work_root)

    monkeypatch.setattr(runner, "run", run)
    records = engine.Engine(tmp_path / "envs").run([numbered(case, 1)])
    assert [r["outcome"] for r in records] == [Outcome.ABSENT]


@pytest.mark.parametrize("jobs, workers", [(0, 1), (1, 1), (3, 3)])
def test_jobs_is_how_many_cells_run_at_once(case, fake_envs, launches, monkeypatch, tmp_path,
                                            jobs, workers) -> None:  # fmt: skip
    pools: list[int] = []

    class Pool(engine.ThreadPoolExecutor):
        def __init__(self, max_workers: int) -> None:
            pools.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(engine, "ThreadPoolExecutor", Pool)
    engine.Engine(tmp_path / "envs", jobs=jobs).run([numbered(case, 1)])
    assert pools == [workers]


def test_a_run_that_fails_kills_its_cells_and_starts_no_more(
    case, fake_envs, monkeypatch, tmp_path
) -> None:
    """Cell 1's record cannot be written while cell 2 runs: the run stops at once (it does not
    wait for cell 2 to end before killing it), cells not yet started never start, and the work
    dir is removed only once the killed cells are done with it."""
    started, finished, removal = [], [], []
    second_started, terminated, removed = (threading.Event() for _ in range(3))
    killed_while_running: dict[str, bool] = {}

    def run(launch: runner.Launch, work_root: Path) -> runner.RunResult:
        n = launch.env["CELL"]
        started.append(n)
        if n == "1":
            second_started.wait(timeout=5)
        else:
            second_started.set()
            killed_while_running[n] = terminated.wait(timeout=2)
            removed.wait(timeout=0.1)  # a killed cell takes a moment to end
        finished.append(n)
        return _absent(launch, work_root)

    def rmtree(path, **kwargs) -> None:
        removal.append(sorted(finished))
        removed.set()
        real_rmtree(path, **kwargs)

    def on_cell(record: dict) -> None:
        if record["release"] == "1":
            raise OSError("no space left on device")

    real_rmtree = shutil.rmtree
    monkeypatch.setattr(runner, "run", run)
    monkeypatch.setattr(runner, "terminate_all", terminated.set)
    monkeypatch.setattr(engine.shutil, "rmtree", rmtree)
    eng = engine.Engine(tmp_path / "envs", jobs=2, on_cell=on_cell)
    with pytest.raises(OSError, match="no space left"):
        eng.run([numbered(case, n) for n in (1, 2, 3, 4)])
    assert "4" not in started and killed_while_running["2"]
    assert all(killed_while_running.values()), killed_while_running
    assert removal == [sorted(started)]
