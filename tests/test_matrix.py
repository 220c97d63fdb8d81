"""A real slice of the matrix: werkzeug-3039 on two Pythons, against releases from PyPI,
checked for agreement, evidence, and for leaving nothing behind; and an interrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import results
from tests.run.test_runner import alive_under

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ["3.9", "3.12"]
pytestmark = pytest.mark.matrix


def _shm() -> set[str]:
    shm = Path("/dev/shm")
    return {p.name for p in shm.iterdir()} if shm.is_dir() else set()


def _harness(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    machine_tmp = tmp_path / "machine-tmp"
    machine_tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(machine_tmp)}
    return subprocess.Popen(
        [sys.executable, "-m", "harness", *args, "--results", str(tmp_path / "results")],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_werkzeug_slice_agrees_and_leaves_nothing_behind(tmp_path: Path) -> None:
    shm_before = _shm()
    args = ["all", "--case", "werkzeug-3039"] + [a for py in PYTHONS for a in ("--python", py)]
    proc = _harness(tmp_path, *args)
    output, _ = proc.communicate(timeout=1200)
    assert proc.returncode == 0, output
    [run_file] = (tmp_path / "results" / "runs").glob("*.json")
    document = results.load(run_file)
    assert document["run"]["complete"]
    cells = document["cells"]
    assert {c["python_requested"] for c in cells} == set(PYTHONS)
    assert all(c["agrees"] for c in cells), [c for c in cells if not c["agrees"]]
    ran = [c for c in cells if c["outcome"] != "skip"]
    assert {c["variant"] for c in ran} == {"affected", "workaround", "patched", "latest"}
    assert {c["outcome"] for c in ran} == {"leak", "clean"}
    for c in ran:
        versions = {k.lower(): v for k, v in c["distributions"].items()}
        assert versions["werkzeug"] == c["upstream"]["version"]
        assert all(run["recorded"]["trigger"] for run in c["evidence"]["runs"])
    skipped = [c for c in cells if c["outcome"] == "skip"]
    assert all(c["reason"] for c in skipped)
    assert list((tmp_path / "machine-tmp").iterdir()) == []
    assert _shm() - shm_before == set()
    assert alive_under(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_an_interrupted_run_keeps_what_it_wrote(tmp_path: Path) -> None:
    baseline = tmp_path / "results" / "baseline" / "linux.json"
    baseline.parent.mkdir(parents=True)
    baseline.write_text('{"kept": true}')
    proc = _harness(tmp_path, "all", "--case", "werkzeug-3039", "--python", "3.11", "--jobs", "1")
    runs = tmp_path / "results" / "runs"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        files = list(runs.glob("*.json")) if runs.is_dir() else []
        if files and json.loads(files[0].read_text())["cells"]:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, output
    [run_file] = runs.glob("*.json")
    partial = json.loads(run_file.read_text())
    results.validate(partial)
    assert partial["run"]["complete"] is False and partial["cells"]
    assert baseline.read_text() == '{"kept": true}'
    assert list((tmp_path / "machine-tmp").iterdir()) == []
    assert alive_under(tmp_path) == []


def test_parallel_cells_give_the_same_results_as_serial_ones(tmp_path: Path) -> None:
    found = []
    for jobs in ("1", "2"):
        proc = _harness(
            tmp_path / f"jobs{jobs}",
            "all",
            "--case",
            "werkzeug-3039",
            "--python",
            "3.11",
            "--jobs",
            jobs,
        )
        output, _ = proc.communicate(timeout=900)
        assert proc.returncode == 0, output
        [run_file] = (tmp_path / f"jobs{jobs}" / "results" / "runs").glob("*.json")
        found.append(
            {
                (c["case"], c["check"], c["variant"], c["release"]): (
                    c["outcome"],
                    c["upstream"]["version"],
                )
                for c in results.load(run_file)["cells"]
            }
        )
    serial, parallel = found
    assert serial == parallel and len(serial) >= 14


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the native Qt control is Linux's")
def test_the_native_qt_control_proves_the_window_loaded(tmp_path: Path) -> None:
    out = tmp_path / "cells.json"
    proc = _harness(
        tmp_path,
        "run",
        "pywebview-1554",
        "--python",
        "3.11",
        "--check",
        "qt-window",
        "--variant",
        "latest",
        "--json",
        str(out),
    )
    output, _ = proc.communicate(timeout=1200)
    assert proc.returncode == 0, output
    [cell] = results.load(out)["cells"]
    assert cell["outcome"] == "clean" and cell["evidence_kind"] == "native"
    [run] = cell["evidence"]["runs"]
    assert run["recorded"]["js_result"] == 42 and run["recorded"]["trigger"]
    assert list((tmp_path / "machine-tmp").iterdir()) == []
    assert alive_under(tmp_path) == []


def _nicegui_sdist(root: Path, version: str) -> Path:
    """That NiceGUI release as an unpacked sdist from PyPI."""
    import tarfile
    import urllib.parse
    import urllib.request

    from harness.run import pypi

    index = f"{pypi.INDEX}/nicegui/json"
    with urllib.request.urlopen(index, timeout=60) as answer:
        files = json.load(answer)["releases"][version]
    # A mirror of PyPI may answer with URLs relative to the JSON document.
    url = urllib.parse.urljoin(index, next(f["url"] for f in files if f["packagetype"] == "sdist"))
    root.mkdir(parents=True, exist_ok=True)
    archive = root / url.rsplit("/", 1)[1]
    urllib.request.urlretrieve(url, archive)
    with tarfile.open(archive) as sdist:
        sdist.extractall(root, filter="data")
    return next(p for p in root.iterdir() if p.is_dir())


EXIT_CHECKS = ("exit-os_exit", "exit-signal", "exit-execv", "exit-after-exit-function")


def test_a_maintainers_tree_is_recorded_as_such_and_a_reverted_fix_is_a_regression(
    tmp_path: Path,
) -> None:
    """Every check of the case gives the release's verdict on the release's own sdist tree
    (this runs under pytest: a cell that inherited PYTEST_CURRENT_TEST ran NiceGUI's test-mode
    start instead, see runner.SCRUBBED_PREFIXES); then a reverted fix is a regression."""
    # The release the committed baseline measured, not whatever PyPI has newest today: the
    # test's verdict must not depend on the day it runs.
    baseline = results.load(ROOT / "results" / "baseline" / "linux.json")
    mine = [
        c
        for c in baseline["cells"]
        if (c["case"], c["release"], c["python_requested"]) == ("nicegui-4131", "latest", "3.11")
    ]
    version = mine[0]["upstream"]["version"]
    tree = _nicegui_sdist(tmp_path / "src", version)
    # A dependency release published after the baseline was made, simulated: the baseline says
    # it ran an older certifi than any environment built today resolves.
    for cell in mine:
        cell["distributions"]["certifi"] = "2024.12.14"
    results_dir = tmp_path / "results"
    results.write_document(results_dir / "baseline" / "linux.json", baseline)

    def regression() -> tuple[str, dict]:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "harness",
                "regression",
                "--upstream-path",
                str(tree),
                "--case",
                "nicegui-4131",
                "--python",
                "3.11",
                "--results",
                str(results_dir),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        runs = [
            p for p in (results_dir / "runs").glob("regression-*.json") if "-pinned" not in p.name
        ]
        run = max(runs, key=lambda p: p.stat().st_mtime)
        return (results_dir / "regression.md").read_text(), json.loads(run.read_text())

    def kinds(text: str) -> dict[str, str]:
        found, kind = {}, ""
        for line in text.splitlines():
            if line.startswith("## "):
                kind = line[3:].split(" (")[0]
            if line.startswith("- nicegui-4131/"):
                found[line.split("/", 1)[1].split(" ", 1)[0]] = kind
        return found

    text, document = regression()
    source = document["cells"][0]["upstream"]["source"]
    assert source["kind"] == "path" and source["location"] == str(tree)
    assert source["declared_version"] == version
    ran = {"uvicorn-reload", "native-reload", *EXIT_CHECKS}
    assert ran <= kinds(text).keys() and set(kinds(text).values()) == {"unchanged"}, text

    # Bring #4131 back: a multiprocessing queue made at import, as before PR #4653.
    init = tree / "nicegui" / "__init__.py"
    init.write_text(
        init.read_text() + "\nimport multiprocessing as _mp\n_reverted_queue = _mp.Queue()\n"
    )
    text, _ = regression()
    found = kinds(text)
    assert found["exit-os_exit"] == found["exit-signal"] == "regression", text
    assert found["exit-after-exit-function"] == "unchanged", text
    # Both flips were run again with the baseline's dependencies (certifi 2024.12.14 among
    # them) and still leaked: that, not a guess, is why they are regressions.
    pinned = json.loads(max((results_dir / "runs").glob("regression-*-pinned.json")).read_text())
    assert {c["check"] for c in pinned["cells"]} >= {"exit-os_exit", "exit-signal"}
    assert all(c["distributions"]["certifi"] == "2024.12.14" for c in pinned["cells"])
    assert "with the baseline's dependencies pinned it is still leak" in text, text
