"""The mutation run's fence: mutants of the runner's kill logic must not reach other processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from harness import mutation


def test_without_unshare_there_is_no_fence(monkeypatch) -> None:
    monkeypatch.setattr(mutation.shutil, "which", lambda name: None)
    assert mutation.pid_namespace() == []


def test_inside_the_fence_only_the_run_itself_is_visible() -> None:
    fence = mutation.pid_namespace()
    if not fence:
        pytest.skip("no PID namespace on this machine (unshare missing or not permitted)")
    count = "import os; print(sum(name.isdigit() for name in os.listdir('/proc')))"
    seen = subprocess.run(
        [*fence, sys.executable, "-c", count], capture_output=True, text=True, check=True
    )
    assert int(seen.stdout) <= 2  # unshare's forked child and this interpreter, nothing else


def test_inside_the_fence_tmp_and_shm_are_private(tmp_path) -> None:
    fence = mutation.pid_namespace()
    if not fence:
        pytest.skip("no PID namespace on this machine (unshare missing or not permitted)")
    left = "import os; open('/tmp/fence-probe', 'w').close(); open('/dev/shm/fence-probe', 'w')"
    subprocess.run([*fence, sys.executable, "-c", left], check=True)
    assert not os.path.exists("/tmp/fence-probe") and not os.path.exists("/dev/shm/fence-probe")


def test_a_module_selects_all_its_mutants_and_a_mutant_name_only_itself() -> None:
    modules, patterns = mutation.selection(["plan", "harness.runner.x_run__mutmut_8"])
    assert modules == ["plan", "runner"]
    assert patterns == ["harness.plan.*", "harness.runner.x_run__mutmut_8"]


def test_mutants_of_one_module_are_scored_once() -> None:
    modules, _ = mutation.selection(["harness.plan.x_cells__mutmut_*", "harness.plan.x_resolve*"])
    assert modules == ["plan"]


@pytest.mark.parametrize("bad", ["nosuch", "harness.nosuch.x_f__mutmut_1", "harness.plan"])
def test_a_name_that_is_no_module_or_mutant_is_bad_input(bad, monkeypatch) -> None:
    monkeypatch.setattr(mutation.subprocess, "run", lambda *a, **k: pytest.fail("mutmut ran"))
    assert mutation.main([bad]) == 2
