"""The mutation run's fence: mutants of the runner's kill logic must not reach other processes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from harness.studies import mutation


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


@pytest.mark.parametrize("mount", ["/tmp", "/dev/shm"])
def test_a_checkout_under_the_private_mounts_stays_visible_in_the_fence(mount, monkeypatch) -> None:
    """The fence hides the machine's /tmp and /dev/shm; a checkout there (a CI clone under
    /tmp) must still be there inside it, or mutmut and the harness's Python are "not found"."""
    fence = mutation.pid_namespace()
    if not fence:
        pytest.skip("no PID namespace on this machine (unshare missing or not permitted)")
    with tempfile.TemporaryDirectory(dir=mount) as folder:
        checkout = Path(folder) / "checkout"
        checkout.mkdir()
        (checkout / "noxfile.py").write_text("seen\n")
        monkeypatch.setattr(mutation, "ROOT", checkout)
        read = "import sys; print(open(sys.argv[1]).read(), end='')"
        # The interpreter behind this venv: the venv lives in the real checkout, which the
        # patched ROOT no longer keeps visible.
        python = os.path.realpath(sys.executable)
        seen = subprocess.run(
            [*mutation.pid_namespace(), python, "-c", read, str(checkout / "noxfile.py")],
            capture_output=True,
            text=True,
            check=False,
        )
    assert (seen.returncode, seen.stdout) == (0, "seen\n"), seen.stderr


def test_a_module_selects_all_its_mutants_and_a_mutant_name_only_itself() -> None:
    modules, patterns = mutation.selection(["run.plan", "harness.run.runner.x_run__mutmut_8"])
    assert modules == ["run.plan", "run.runner"]
    assert patterns == ["harness.run.plan.*", "harness.run.runner.x_run__mutmut_8"]


def test_a_package_scores_the_mutants_of_every_module_inside_it() -> None:
    found = {
        "harness.run.probes.base.x_validate__mutmut_1": "killed",
        "harness.run.probes.files.x_open_fds__mutmut_1": "survived",
        "harness.run.plan.x_cells__mutmut_1": "killed",
    }
    [probes, total] = mutation.scores(found, ["run.probes"], {})
    assert probes[:3] == ("run.probes", 1, 2)
    assert probes[4] == ["harness.run.probes.files.x_open_fds__mutmut_1"]
    assert total[:3] == ("all", 1, 2)
    assert mutation.module_of("harness.run.engine.xǁEngineǁrun__mutmut_20") == "run.engine"


def test_mutants_of_one_module_are_scored_once() -> None:
    modules, _ = mutation.selection(
        ["harness.run.plan.x_cells__mutmut_*", "harness.run.plan.x_resolve*"]
    )
    assert modules == ["run.plan"]


@pytest.mark.parametrize("bad", ["nosuch", "harness.nosuch.x_f__mutmut_1", "harness.run.plan"])
def test_a_name_that_is_no_module_or_mutant_is_bad_input(bad, monkeypatch) -> None:
    monkeypatch.setattr(mutation.subprocess, "run", lambda *a, **k: pytest.fail("mutmut ran"))
    assert mutation.main([bad]) == 2


LISTING = """\
    harness.run.plan.x_cells__mutmut_1: killed
    harness.run.plan.x_cells__mutmut_2: survived
    harness.run.plan.x_cells__mutmut_3: timeout
    harness.run.plan.x_cells__mutmut_4: not checked
    harness.run.verdict.x_judge_run__mutmut_1: killed
    harness.run.verdict.x_judge_run__mutmut_2: survived
"""


def test_the_listing_is_read_mutant_by_mutant() -> None:
    found = mutation.statuses("noise\n" + LISTING)
    assert found["harness.run.plan.x_cells__mutmut_3"] == "timeout"
    assert found["harness.run.plan.x_cells__mutmut_4"] == "not checked"
    assert len(found) == 6


def test_only_killed_counts_unchecked_and_equivalent_mutants_are_left_out() -> None:
    found = mutation.statuses(LISTING)
    skip = {"harness.run.verdict.x_judge_run__mutmut_2": "cannot change behaviour"}
    rows = mutation.scores(found, ["run.plan", "run.verdict"], skip)
    assert rows[0] == (
        "run.plan",
        1,
        3,
        1 / 3,
        ["harness.run.plan.x_cells__mutmut_2", "harness.run.plan.x_cells__mutmut_3"],
    )
    assert rows[1] == ("run.verdict", 1, 1, 1.0, [])
    assert rows[2] == ("all", 2, 4, 0.5, [])


def fake_mutmut(monkeypatch, returncode: int = 0, listing: str = LISTING) -> None:
    monkeypatch.setattr(mutation, "pid_namespace", list)

    def run(command, **kwargs):
        stdout = listing if "results" in command else ""
        return subprocess.CompletedProcess(command, returncode, stdout, "")

    monkeypatch.setattr(mutation.subprocess, "run", run)
    monkeypatch.setattr(mutation, "equivalents", dict)


def test_a_module_under_its_target_fails_the_run_and_names_its_survivors(
    monkeypatch, capsys
) -> None:
    fake_mutmut(monkeypatch)
    assert mutation.main(["run.plan"]) == 1
    out = capsys.readouterr().out
    assert "run.plan" in out and "UNDER TARGET" in out
    assert "survived: harness.run.plan.x_cells__mutmut_2" in out


def test_scores_at_their_targets_pass(monkeypatch, capsys) -> None:
    fake_mutmut(monkeypatch, listing="    harness.run.plan.x_cells__mutmut_1: killed\n")
    assert mutation.main(["run.plan"]) == 0
    assert "UNDER TARGET" not in capsys.readouterr().out


def test_a_failing_mutmut_run_is_a_harness_failure(monkeypatch) -> None:
    fake_mutmut(monkeypatch, returncode=1)
    assert mutation.main(["run.plan"]) == 3


def test_every_equivalent_mutant_names_a_harness_mutant_and_a_reason() -> None:
    listed = mutation.tomllib.loads(mutation.EQUIVALENT.read_text(encoding="utf-8"))["equivalent"]
    names = [entry["mutant"] for entry in listed]
    assert len(names) == len(set(names))
    assert all(mutation.LINE.match(f"{n}: survived") for n in names)
    assert all(len(entry["why"]) > 20 for entry in listed)
