"""What --verify runs: for each leaking check of an affected pin that runs on this OS, the plain
release and the workaround, with the app's pins as constraints (the cells themselves run in
tests/audit/test_commandline.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.audit import lockfiles, static, verification
from harness.corpus.metadata import ROOT
from harness.run import plan
from tests.fake_pypi import offline_pypi  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("offline_pypi")
LOCK = Path(__file__).resolve().parents[1] / "apps" / "all-three" / "uv.lock"
CACHE = ROOT / ".nox" / "pypi"


def planned(tmp_path: Path, platform: str, ignored: tuple[str, ...] = ()):
    locked = lockfiles.read(LOCK)
    findings = static.audit(locked, ["3.11"], platform, cache_dir=CACHE)
    jobs = verification.jobs(
        findings, locked, lambda case: case in ignored or None, tmp_path, CACHE
    )
    return locked, {(j.finding.case.id, j.planned.cell.check.name, j.kind): j for j in jobs}


@pytest.mark.skipif(plan.PLATFORM != "linux", reason="the cells chosen on Linux")
def test_the_leaking_checks_plain_and_with_the_workaround(tmp_path: Path) -> None:
    locked, jobs = planned(tmp_path, "linux")
    seeds = {"nicegui-4131", "nicegui-4592", "werkzeug-3039"}  # other cases come and go
    checks = {(case, check) for case, check, _ in jobs if case in seeds}
    assert checks == {
        ("nicegui-4131", "uvicorn-reload"),
        ("nicegui-4131", "exit-os_exit"),
        ("nicegui-4131", "exit-signal"),
        ("nicegui-4131", "exit-execv"),
        ("nicegui-4592", "reset"),
        ("nicegui-4592", "teardown"),
        ("nicegui-4592", "teardown-fast"),
        ("werkzeug-3039", "werkzeug"),
        ("werkzeug-3039", "flask"),
    }  # exit-after-exit-function is clean, native-reload absent on 2.15.0: not run
    mine = [key for key in jobs if key[0] in seeds]
    assert {kind for *_, kind in mine} == {"plain", "workaround"} and len(mine) == 18
    job = jobs[("nicegui-4592", "reset", "plain")]
    assert job.planned.cell.variant.name == "affected"
    assert job.planned.cell.release == "2.15.0" and job.planned.upstream == "2.15.0"
    constraints = Path(job.planned.requirements[job.planned.requirements.index("-c") + 1])
    pins = constraints.read_text().splitlines()
    assert "nicegui==2.15.0" in pins and "werkzeug==3.1.9" in pins
    assert len(pins) == len(locked.pins_for("3.11", "linux"))


@pytest.mark.skipif(plan.PLATFORM != "linux", reason="the cells chosen on Linux")
def test_windows_leaks_run_their_simulated_checks_here_and_ignores_are_skipped(
    tmp_path: Path,
) -> None:
    _, jobs = planned(tmp_path, "win32", ignored=("werkzeug-3039",))
    cases = {case for case, _, _ in jobs}
    assert "werkzeug-3039" not in cases and "nicegui-4131" not in cases  # ignored; not on win32
    pywebview = {(check, kind) for case, check, kind in jobs if case == "pywebview-1554"}
    checks = ("folder", "folder-late-release", "folder-props-honoured", "warning")
    assert pywebview == {(c, k) for c in checks for k in ("plain", "workaround")}
