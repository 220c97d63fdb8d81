"""The cell runner: private temp dir, process group, timeouts, stragglers, nothing left."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psutil
import pytest

from harness import runner, verdict

from .conftest import make_check, make_variant

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")


def alive_under(root: Path) -> list[int]:
    """Processes of runs whose private temp dir is under root (other runs may be going on)."""
    found = []
    for proc in psutil.process_iter():
        try:
            env = proc.environ()
        except psutil.Error:
            continue
        if runner.MARKER_ENV in env and env.get("TMPDIR", "").startswith(str(root)):
            found.append(proc.pid)
    return found


def test_a_run_has_its_own_temp_dir_and_leaves_nothing(judge, work_root: Path) -> None:
    result, judged = judge(
        make_check("misbehaving.py", "report-pid", [("callbacks_not_run", {"label": "close"})])
    )
    assert judged.outcome == "clean"
    tmpdir = Path(result.observation.evidence["tmpdir"])
    assert tmpdir.parent.parent == work_root and not tmpdir.exists()
    assert list(work_root.iterdir()) == []
    assert not psutil.pid_exists(result.observation.evidence["pid"])


@pytest.mark.parametrize(
    "mode, reason",
    [
        ("no-trigger", "trigger never ran"),
        ("failed-control", "control failed: head-callback-ran"),
        ("crash", "exit status 1"),
    ],
)
def test_a_run_that_proves_nothing_is_an_error_never_clean(judge, mode: str, reason: str) -> None:
    _, judged = judge(
        make_check("misbehaving.py", mode, [("callbacks_not_run", {"label": "close"})])
    )
    assert judged.outcome == "error"
    assert reason in judged.reason


def test_timeout_kills_the_process_group(judge, work_root: Path) -> None:
    result, judged = judge(
        make_check("misbehaving.py", "hang", [("callbacks_not_run", {"label": "close"})], timeout=2)
    )
    assert result.timed_out and judged.outcome == "error" and "timed out" in judged.reason
    assert alive_under(work_root) == []


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="named semaphores live in /dev/shm")
def test_a_killed_run_leaves_no_semaphores(judge, work_root: Path) -> None:
    result, judged = judge(
        make_check("misbehaving.py", "hang-with-semaphores", [("leaked_semaphores", {})], timeout=3)
    )
    assert result.timed_out and judged.outcome == "error"
    made = [f"sem.{name.lstrip('/')}" for name in result.observation.evidence["semaphores"]]
    assert len(made) == 3 and not set(made) & set(os.listdir("/dev/shm"))
    assert alive_under(work_root) == []


@pytest.mark.parametrize("mode", ["straggler", "holds-output"])
def test_processes_left_behind_are_killed_and_make_an_error(
    judge, work_root: Path, mode: str
) -> None:
    _, judged = judge(
        make_check("misbehaving.py", mode, [("callbacks_not_run", {"label": "close"})], timeout=5)
    )
    assert judged.outcome == "error"
    assert "still alive" in judged.reason
    assert alive_under(work_root) == []


def test_the_patch_runs_in_the_reproducer_process(judge) -> None:
    check = make_check("patched.py", "", [("callbacks_not_run", {"label": "close"})])
    _, judged = judge(check, make_variant("patch_ok.py"))
    assert judged.outcome == "clean", judged.reason


def test_a_patch_that_fails_to_apply_is_an_error(judge) -> None:
    check = make_check("patched.py", "", [("callbacks_not_run", {"label": "close"})])
    result, judged = judge(check, make_variant("patch_broken.py"))
    assert judged.outcome == "error" and result.exit_code == 70
    assert "failed to apply" in result.observation.stderr


def test_a_patched_variant_without_the_patch_mark_is_an_error(judge) -> None:
    # The reproducer ran, but not under the patch it was meant to carry.
    check = make_check("callbacks.py", "clean", [("callbacks_not_run", {"label": "close"})])
    result, _ = judge(check, make_variant())
    judged = verdict.judge_run(result, check, make_variant("patch_ok.py"))
    assert judged.outcome == "error" and "was not applied" in judged.reason


def test_the_callers_warning_filters_do_not_reach_the_cell(judge, monkeypatch) -> None:
    # PYTHONWARNINGS=ignore would silence the resource tracker, which reports by warnings.warn
    # (the warning capture sets its own filters, so it would not show a missing scrub).
    monkeypatch.setenv("PYTHONWARNINGS", "ignore")
    _, judged = judge(make_check("semaphores.py", "leak", [("leaked_semaphores", {})]))
    assert judged.outcome == "leak", judged.reason


def test_an_unreadable_evidence_file_is_named_as_such(judge) -> None:
    check = make_check(
        "misbehaving.py", "corrupt-evidence", [("callbacks_not_run", {"label": "close"})]
    )
    result, judged = judge(check)
    assert judged.outcome == "error"
    assert "the evidence file could not be read" in judged.reason
    assert "trigger never ran" not in judged.reason


def test_environment_is_scrubbed_and_marked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/x.py::t (call)")  # NiceGUI's is_pytest()
    launch = runner.Launch(
        python=sys.executable, script=Path("x.py"), variant="patched", patch=Path("/p.py")
    )
    env = runner._environment(launch, tmp_path, "m")
    assert env["TMPDIR"] == str(tmp_path / "tmp") and env["CORPUS_PATCH"] == "/p.py"
    assert env[runner.MARKER_ENV] == "m" and "PYTHONWARNINGS" not in env
    assert not [k for k in env if k.startswith("PYTEST_")]
    assert os.pathsep in env["PYTHONPATH"]


def test_no_marker_marks_no_process() -> None:
    # Every process here lacks the marker variable: "" or None must not select them all.
    assert runner._marked("") == [] and runner._marked(None) == []  # type: ignore[arg-type]
