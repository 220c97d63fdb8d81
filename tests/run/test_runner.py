"""The cell runner: private temp dir, process group, timeouts, stragglers, nothing left."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from harness.run import runner, verdict
from tests.conftest import make_check, make_variant

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
    _, judged = judge(check)
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


def test_the_cell_environment_names_its_folders_and_pins_python_io(
    tmp_path: Path, monkeypatch
) -> None:
    # The caller's own values (a shell's, a CI runner's) must not win.
    for key in ("TEMP", "TMP", "XDG_RUNTIME_DIR", "PYTHONUNBUFFERED", "PYTHONIOENCODING"):
        monkeypatch.setenv(key, "")
    launch = runner.Launch(python=sys.executable, script=Path("x.py"), workaround=Path("/w.py"))
    env = runner._environment(launch, tmp_path, "m")
    tmp = str(tmp_path / "tmp")
    assert [env["TMPDIR"], env["TEMP"], env["TMP"]] == [tmp, tmp, tmp]
    assert env["XDG_RUNTIME_DIR"] == str(tmp_path / "run")
    assert (env["PYTHONUNBUFFERED"], env["PYTHONIOENCODING"]) == ("1", "utf-8")
    assert env["CORPUS_WORKAROUND"] == "/w.py"


def test_the_callers_patch_and_workaround_do_not_reach_a_cell_without_them(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CORPUS_PATCH", "/callers-patch.py")
    monkeypatch.setenv("CORPUS_WORKAROUND", "/callers-workaround.py")
    env = runner._environment(
        runner.Launch(python=sys.executable, script=Path("x.py")), tmp_path, "m"
    )
    assert "CORPUS_PATCH" not in env and "CORPUS_WORKAROUND" not in env


@pytest.mark.parametrize(
    "content, error",
    [
        (b'{"trigger": ["ran"', "JSONDecodeError: "),
        (b'["ran"]', "a JSON list, not an object"),
    ],
)
def test_an_unusable_evidence_file_says_why(tmp_path: Path, content: bytes, error: str) -> None:
    path = tmp_path / "evidence.json"
    path.write_bytes(content)
    data, why = runner._read_evidence(path)
    assert data == {} and why is not None and why.startswith(error)


def test_no_marker_marks_no_process() -> None:
    # Every process here lacks the marker variable: "" or None must not select them all.
    assert runner._marked("") == [] and runner._marked(None) == []  # type: ignore[arg-type]


def tiny_run(tmp_path: Path, source: str, **launch) -> runner.RunResult:
    """Run a tiny child script (not a reproducer) through the runner, in tmp_path/work."""
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(source), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    launch.setdefault("timeout", 20.0)
    return runner.run(runner.Launch(python=sys.executable, script=script, **launch), work)


def test_the_reproducer_runs_in_its_cell_folder_in_a_session_of_its_own(tmp_path: Path) -> None:
    # The caller's stdin holds input the reproducer must not see; its runtime dir is private.
    read, write = os.pipe()
    os.write(write, b"the caller's input")
    os.close(write)
    saved = os.dup(0)
    os.dup2(read, 0)
    try:
        result = tiny_run(
            tmp_path,
            """
            import json, os, sys, tempfile
            runtime = os.environ["XDG_RUNTIME_DIR"]
            print(json.dumps({
                "cwd": os.getcwd(),
                "session_leader": os.getsid(0) == os.getpid(),
                "stdin": sys.stdin.read(),
                "runtime": [runtime, oct(os.stat(runtime).st_mode & 0o777)],
                "tempdir": tempfile.gettempdir(),
            }))
            """,
            blind=("temp_leftovers",),
        )
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read)
    seen = json.loads(result.observation.stdout)
    cell = Path(seen["cwd"])
    assert cell.parent == tmp_path / "work" and cell.name.startswith("cell-")
    assert seen["session_leader"] and seen["stdin"] == ""
    assert seen["runtime"] == [str(cell / "run"), "0o700"]
    assert seen["tempdir"] == str(cell / "blind")  # blinded on temp_leftovers
    assert (result.exit_code, result.timed_out, runner._active) == (0, False, {})


def test_output_that_is_not_utf8_is_kept_with_replacement_characters(tmp_path: Path) -> None:
    result = tiny_run(
        tmp_path,
        """
        import sys
        sys.stdout.buffer.write(b"out \\xff")
        sys.stderr.buffer.write(b"err \\xfe")
        """,
    )
    assert (result.observation.stdout, result.observation.stderr) == ("out \ufffd", "err \ufffd")


def test_the_duration_is_in_seconds_rounded_to_milliseconds(tmp_path: Path, monkeypatch) -> None:
    clock = iter([100.0, 100.12345])
    monkeypatch.setattr(runner, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    assert tiny_run(tmp_path, "pass").duration_s == 0.123


def test_a_reproducer_that_outlives_its_timeout_is_stopped_without_an_exit_status(
    tmp_path: Path,
) -> None:
    result = tiny_run(tmp_path, "import time; time.sleep(5)", timeout=0.3)
    assert result.timed_out and result.exit_code is None and result.duration_s < 4


@pytest.mark.filterwarnings("error::ResourceWarning")  # the held pipes are closed, not dropped
@pytest.mark.parametrize("out, err", [("printed", ""), ("", "warned")])
def test_output_held_open_by_an_unmarked_process_ends_the_run_with_what_came(
    tmp_path: Path, monkeypatch, out: str, err: str
) -> None:
    # A process without the marker (its environment rebuilt) holds the pipes: nothing can find
    # and kill it, so the run takes what was written and says what is lost.
    monkeypatch.setattr(runner, "DRAIN_SECONDS", 0.2)
    pid_file = tmp_path / "holder.pid"
    source = f"""
        import os, subprocess, sys
        env = {{k: v for k, v in os.environ.items() if k != {runner.MARKER_ENV!r}}}
        holder = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(5)"], env=env, start_new_session=True
        )
        open({str(pid_file)!r}, "w").write(str(holder.pid))
        sys.stdout.write({out!r})
        sys.stderr.write({err!r})
        """
    try:
        result = tiny_run(tmp_path, source, timeout=1.5)
    finally:
        if pid_file.exists():
            try:
                psutil.Process(int(pid_file.read_text())).kill()
            except psutil.Error:
                pass
    assert (result.observation.stdout, result.observation.stderr) == (out, err)
    assert result.stray == ("an unmarked process kept the output open; what it held is lost",)
    assert result.duration_s < 4


def test_a_launch_that_cannot_start_raises_its_own_error_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    launch = runner.Launch(python=str(tmp_path / "no-python"), script=Path("x.py"))
    with pytest.raises(FileNotFoundError):
        runner.run(launch, tmp_path)
    assert list(tmp_path.iterdir()) == [] and runner._active == {}


def test_a_cell_folder_that_cannot_be_removed_does_not_cost_the_result(
    tmp_path: Path, monkeypatch
) -> None:
    rmdir = os.rmdir

    def busy_cell(path, *args, **kwargs):
        if Path(os.fsdecode(path)).name.startswith("cell-"):
            raise OSError(errno.EBUSY, "busy", path)
        return rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", busy_cell)
    result = tiny_run(tmp_path, "print('done')")
    assert result.observation.stdout == "done\n"


@pytest.mark.parametrize(
    "platform, group",
    [("linux", {"start_new_session": True}), ("win32", {"creationflags": 512})],
)
def test_the_reproducer_gets_a_process_group_of_its_own_on_each_platform(
    tmp_path: Path, monkeypatch, platform: str, group: dict
) -> None:
    # Started for real only on the platform at hand: Popen is faked, and stops the run.
    seen: dict = {}

    class Started(Exception):
        pass

    def popen(argv, **kwargs):
        seen.update(kwargs)
        raise Started

    fake = SimpleNamespace(Popen=popen, CREATE_NEW_PROCESS_GROUP=512)
    for name in ("PIPE", "DEVNULL", "TimeoutExpired"):
        setattr(fake, name, getattr(subprocess, name))
    monkeypatch.setattr(runner, "subprocess", fake)
    monkeypatch.setattr(runner, "sys", SimpleNamespace(platform=platform))
    with pytest.raises(Started):
        runner.run(runner.Launch(python=sys.executable, script=Path("x.py")), tmp_path)
    chosen = {k: v for k, v in seen.items() if k in ("start_new_session", "creationflags")}
    assert chosen == group and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("platform, sent", [("linux", [(4242, signal.SIGTERM)]), ("win32", [])])
def test_the_process_group_is_signalled_where_there_are_process_groups(
    monkeypatch, platform: str, sent: list
) -> None:
    calls: list = []
    monkeypatch.setattr(runner, "sys", SimpleNamespace(platform=platform))
    monkeypatch.setattr(os, "killpg", lambda pid, sig: calls.append((pid, sig)), raising=False)
    exited = SimpleNamespace(pid=4242, poll=lambda: 0)  # no leader left to signal
    runner._signal_all(exited, [], signal.SIGTERM)  # type: ignore[arg-type]
    assert calls == sent


class FakeProcess:
    def __init__(self, argv: list[str] | None = None, env: dict | None = None) -> None:
        self.pid, self.argv, self.env = 4242, argv, env

    def cmdline(self) -> list[str]:
        if self.argv is None:
            raise psutil.AccessDenied(self.pid)
        return self.argv

    def environ(self) -> dict:
        if self.env is None:
            raise psutil.AccessDenied(self.pid)
        return self.env


def test_a_stray_process_is_named_by_pid_and_200_characters_of_its_command_line() -> None:
    argv = ["python", "-c", "x" * 300]
    assert runner._describe(FakeProcess(argv)) == "4242 " + " ".join(argv)[:200]  # type: ignore
    assert runner._describe(FakeProcess()) == "4242"  # type: ignore[arg-type]


def test_a_process_whose_environment_cannot_be_read_does_not_end_the_search(monkeypatch) -> None:
    marked = FakeProcess(env={runner.MARKER_ENV: "m"})
    monkeypatch.setattr(psutil, "process_iter", lambda: iter([FakeProcess(), marked]))
    assert runner._marked("m") == [marked]


def test_the_kill_waits_one_grace_period_per_signal_for_a_process_nobody_reaps(
    tmp_path: Path, monkeypatch
) -> None:
    # Its parent (unmarked) never waits for it: killed, it stays a zombie, which no wait ends.
    monkeypatch.setattr(runner, "GRACE_SECONDS", 0.2)
    marker = f"test-{os.getpid()}-{time.monotonic_ns()}"
    parent_source = f"""
import os, subprocess, sys, time
env = dict(os.environ, {runner.MARKER_ENV}={marker!r})
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(20)"], env=env)
print(child.pid, flush=True)
time.sleep(20)
"""
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_source], stdout=subprocess.PIPE, text=True
    )
    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # stands for the exited reproducer
    gone.wait()
    described: list = []
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        killing = threading.Thread(
            target=lambda: described.append(runner._kill_all(gone, marker)), daemon=True
        )
        killing.start()
        killing.join(timeout=3)
        finished = not killing.is_alive()
    finally:
        parent.kill()  # the zombie goes to init, which reaps it: a hung wait ends too
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]
    assert finished
    assert [line.split()[0] for line in described[0]] == [str(child)]


def test_terminate_all_ends_every_run_still_going(tmp_path: Path) -> None:
    # The reproducer's child left the process group: only the marker finds it.
    source = """
        import subprocess, sys, time
        subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(20)"],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(20)
        """
    results: list = []
    going = threading.Thread(target=lambda: results.append(tiny_run(tmp_path, source)), daemon=True)
    going.start()
    marker, deadline = "", time.monotonic() + 10
    while time.monotonic() < deadline and not (marker and len(runner._marked(marker)) == 2):
        marker = next(iter(runner._active), "")
        time.sleep(0.02)
    try:
        runner.terminate_all()
        left = runner._marked(marker)
    finally:
        for proc in runner._marked(marker):
            proc.kill()
        going.join(timeout=10)
    assert marker and left == []
    assert results[0].exit_code == -signal.SIGTERM and not results[0].timed_out
