"""``python -m harness audit`` end to end on the example apps' real lock files: the report, the
SARIF (validated against the SARIF 2.1.0 schema kept in tests/schemas/), the ignore file, the
upgrade diff, and the project's own exit statuses (0 nothing hits, 1 a leak hits, 2 bad input,
3 the harness failed)."""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from harness import cli
from harness.audit import commandline, document
from harness.corpus import metadata
from harness.run import interpreters
from tests.fake_pypi import offline_pypi  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("offline_pypi")
APPS = Path(__file__).resolve().parents[1] / "apps"
SARIF_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "sarif-2.1.0-rtm.5.json").read_text()
)


def audit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["audit", "--base", str(APPS), *argv])
    out, err = capsys.readouterr()
    return code, out, err


NA, AFFECTED, ABSENT = "not-affected", "affected", "absent"
# Each app's expected statuses come from the named cases' rules (case.toml); only those cases are
# asserted, so a new case on the same package adds findings without breaking these. An app that
# a listed case hits exits 1 whatever is added later.
NICEGUI_2_15 = {  # Python 3.11
    "nicegui-4131": AFFECTED,  # leak >=1.2.16,<2.16 (#4131)
    "nicegui-4592": AFFECTED,  # reset and teardown: leak <2.16.0 (#4592)
    "nicegui-4109": NA,  # finalizers clean >=2.15.0, the other checks clean >=2.11.1
}
WERKZEUG_3_1_9 = {"werkzeug-3039": AFFECTED}  # no release fixes it (closed as by design)
PYWEBVIEW_5_3_2 = {
    "pywebview-1554": NA,  # Windows only
    "pywebview-1688": NA,  # Windows only
    "pywebview-ssl-generated-key-left": AFFECTED,  # html, remote-url: leak >=4.1
    "pywebview-ssl-user-key-deleted": ABSENT,  # absent <6.0
}
PYWEBVIEW_5_3_2_WIN32 = {
    **PYWEBVIEW_5_3_2,
    "pywebview-1554": AFFECTED,  # folder checks leak >=4.1,<5.4, warning leak >=4.1
    "pywebview-1688": NA,  # clean <5.4
}
FIXED = {  # nicegui 3.17.0 fixes every documented NiceGUI leak; open ones hit both pins
    "nicegui-4109": NA,
    "nicegui-4131": NA,  # clean >=2.16; native-reload clean on 3.17.0
    "nicegui-4592": NA,  # reset clean >=2.16.0, teardown clean >=3.17.0 (PR #6329)
    "nicegui-bind-registry": AFFECTED,  # leak >=0.6.1, open
    "nicegui-leaflet-layer-links": AFFECTED,  # leak >=1.4.6, open
    "pywebview-1554": NA,  # Windows only
    "pywebview-1688": NA,  # Windows only
    "pywebview-ssl-generated-key-left": AFFECTED,  # leak >=4.1, no release fixes it
    "pywebview-ssl-user-key-deleted": AFFECTED,  # leak >=6.0, no release fixes it
}
PYWEBVIEW_4_0_2 = {  # the release before every pywebview case's code path
    "pywebview-1554": NA,  # Windows only (and absent <4.1 there)
    "pywebview-1688": NA,  # Windows only (and clean <5.4 there)
    "pywebview-ssl-generated-key-left": ABSENT,  # absent <4.1
    "pywebview-ssl-user-key-deleted": ABSENT,  # absent <6.0
}
FIXED_IGNORE = str(APPS / "fixed" / "leak-ignore.toml")
# Its fixes/<id>/README.md's workaround section says nothing of what the workaround costs.
NO_COST = {"nicegui-leaflet-layer-links"}


@pytest.mark.parametrize(
    "argv, code, statuses",
    [
        (["--lock", "nicegui-affected/uv.lock"], 1, NICEGUI_2_15),
        (["-r", "nicegui-affected/requirements.txt"], 1, NICEGUI_2_15),
        (["--lock", "flask-app/uv.lock"], 1, WERKZEUG_3_1_9),
        (["--lock", "flask-app/pylock.toml"], 1, WERKZEUG_3_1_9),
        (["--lock", "pywebview-app/uv.lock"], 1, PYWEBVIEW_5_3_2),
        (["--lock", "pywebview-app/uv.lock", "--platform", "win32"], 1, PYWEBVIEW_5_3_2_WIN32),
        (["--lock", "fixed/uv.lock"], 1, FIXED),
        (["-r", "fixed/requirements.txt", "--python", "3.10", "--python", "3.13"], 1, FIXED),
        # Exit 0: none of the cases asserted hits pywebview 4.0.2 (the audit sees those only, so
        # a new case that does hit it changes nothing here).
        (["--lock", "pywebview-4.0/uv.lock"], 0, PYWEBVIEW_4_0_2),
        (["--lock", "pywebview-4.0/uv.lock", "--platform", "win32"], 0, PYWEBVIEW_4_0_2),
    ],
)
def test_example_apps(
    capsys, monkeypatch, argv: list[str], code: int, statuses: dict[str, str]
) -> None:
    # The audit knows only the cases asserted: a case added to the corpus later changes neither
    # the statuses nor the exit status asserted here.
    only = [metadata.load_case(case) for case in statuses]
    monkeypatch.setattr(metadata, "load_all", lambda *_: only)
    status, out, err = audit(capsys, *argv, "--format", "json")
    doc = json.loads(out)
    document.validate(doc)
    assert status == code == doc["exit_status"], err
    mine = [f for f in doc["findings"] if f["case"] in statuses]
    assert {f["case"]: f["status"] for f in mine} == statuses
    for finding in mine:
        if finding["status"] == "affected":
            assert finding["location"]["line"] and finding["workaround"]["file"]
            assert finding["workaround"]["cost"] or finding["case"] in NO_COST
            assert any(c["outcome"] == "leak" and c["why"] for c in finding["checks"])


def test_the_fixed_app_exits_0_when_every_hit_is_ignored(capsys) -> None:
    # Its ignore file lists the open leaks that hit its pins today (the pywebview SSL cases on
    # 6.1, the NiceGUI binding cases on 3.17.0); a case added later that hits them makes the
    # audit exit 1 until the app decides on it.
    status, out, err = audit(
        capsys, "--lock", "fixed/uv.lock", "--ignore", FIXED_IGNORE, "--format", "json"
    )
    doc = json.loads(out)
    mine = {f["case"]: f for f in doc["findings"] if f["case"] in FIXED}
    assert {case: f["status"] for case, f in mine.items()} == FIXED
    ignored = {case for case, f in mine.items() if f["ignored"]}
    assert ignored == {case for case, status in FIXED.items() if status == AFFECTED}
    unignored_hits = [f for f in doc["findings"] if f["status"] == "affected" and not f["ignored"]]
    assert status == doc["exit_status"] == (1 if unignored_hits else 0), err


def test_table_names_fact_fix_and_workaround(capsys) -> None:
    code, out, _ = audit(capsys, "--lock", "nicegui-affected/uv.lock", "--python", "3.10")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("nicegui-4592"))
    assert "affected" in row and "none / 3.17.0" in row and "nicegui-affected/uv.lock:" in row
    # nicegui-4592's rules on Python 3.10: reset clean >=2.16.0; teardown leaks on 2.16-2.24 with
    # Python <3.11 and on 3.0-3.16, clean >=3.17.0 (PR #6329).
    assert "reset: leak (gone from 2.16.0): " in out
    assert "teardown: leak (gone from 3.17.0): " in out
    assert "fix upstream: " in out and "workaround: " in out and "cost: " in out


def test_sarif_validates_and_points_at_the_lock_line(capsys, tmp_path: Path) -> None:
    target = tmp_path / "audit.sarif"
    code, _, _ = audit(
        capsys, "--lock", "nicegui-affected/uv.lock", "--format", "sarif", "--output", str(target)
    )
    assert code == 1
    sarif = json.loads(target.read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules)) and "nicegui-4592" in rules
    # The seed cases' rules hit 2.15.0 (nicegui-4131: <2.16, nicegui-4592: <2.16.0); other
    # NiceGUI cases may hit it too, on the same lock line.
    assert {"nicegui-4131", "nicegui-4592"} <= {r["ruleId"] for r in run["results"]}
    lock = (APPS / "nicegui-affected" / "uv.lock").read_text().splitlines()
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "nicegui-affected/uv.lock"
        assert lock[location["region"]["startLine"] - 1] == 'name = "nicegui"'
    help_text = run["tool"]["driver"]["rules"][rules.index("nicegui-4592")]["help"]["text"]
    assert "PR #4641" in help_text and "workaround.py" in help_text


def test_sarif_schema_catches_a_broken_log() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate({"version": "2.1.0", "runs": [{}]})


def test_markdown_summary(capsys) -> None:
    _, out, _ = audit(capsys, "--lock", "flask-app/uv.lock", "--format", "json")
    hits = sum(f["status"] == "affected" for f in json.loads(out)["findings"])
    code, out, _ = audit(capsys, "--lock", "flask-app/uv.lock", "--format", "markdown")
    assert code == 1 and f"**{hits} known leak(s) hit your pins**" in out
    assert "| [werkzeug-3039](https://github.com/pallets/werkzeug/issues/3039) |" in out


def test_ignore_file_and_its_expiry(capsys, tmp_path: Path) -> None:
    # Every Werkzeug case of the corpus ignored: whatever hits the Flask app's Werkzeug 3.1.9
    # (werkzeug-3039 does: no release fixes it), the audit exits 0.
    ignore = tmp_path / "ignore.toml"
    ignore.write_text(
        "".join(
            f'[[ignore]]\ncase = "{case.id}"\nreason = "no such use here"\nexpires = 2999-01-01\n'
            for case in metadata.load_all()
            if case.package == "werkzeug"
        )
    )
    code, out, _ = audit(capsys, "--lock", "flask-app/uv.lock", "--ignore", str(ignore))
    row = next(line for line in out.splitlines() if line.startswith("werkzeug-3039 "))
    assert code == 0 and "affected (ignored)" in row
    ignore.write_text(
        '[[ignore]]\ncase = "werkzeug-3039"\nreason = "until the next sprint"\n'
        'expires = "2020-01-01"\n'
    )
    code, out, _ = audit(capsys, "--lock", "flask-app/uv.lock", "--ignore", str(ignore))
    assert code == 1 and "expired on 2020-01-01 and no longer applies" in out
    row = next(line for line in out.splitlines() if line.startswith("werkzeug-3039 "))
    assert "affected" in row and "(ignored)" not in row


def test_upgrade_diff(capsys) -> None:
    code, out, _ = audit(
        capsys, "--lock", "nicegui-affected/uv.lock", "--upgrade-to", "nicegui==3.10.0"
    )
    assert "upgrade nicegui 2.15.0 -> 3.10.0:" in out
    # nicegui-4592's rules: reset leaks <2.16.0 only; teardown leaks <2.16.0 and on 3.0-3.16.
    assert "goes away nicegui-4592/reset" in out and "stays     nicegui-4592/teardown" in out
    assert code == 1  # 3.10.0 still loses a queued write at shutdown


@pytest.mark.parametrize(
    "argv, message",
    [
        pytest.param(["--lock", "nope/uv.lock"], "nope/uv.lock: no such file", id="missing"),
        pytest.param(
            ["--lock", "flask-app/pyproject.toml"], "unknown lock format", id="unknown format"
        ),
        pytest.param(
            ["--lock", "flask-app/uv.lock", "--python", "3.8"],
            "requires-python >=3.10 excludes Python 3.8",
            id="python the lock excludes",
        ),
        pytest.param(
            ["--lock", "flask-app/uv.lock", "--upgrade-to", "werkzeug==99.0"],
            "werkzeug has no release '99.0' on PyPI",
            id="upgrade to a missing release",
        ),
        pytest.param([], "nothing to audit", id="no input"),
    ],
)
def test_bad_input_exits_2(capsys, argv: list[str], message: str) -> None:
    code, _, err = audit(capsys, *argv)
    assert code == 2 and message in err, err


def test_unpinned_requirement_and_unsupported_python(capsys, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask==3.1.2\nwerkzeug>=3\n")
    code, _, err = audit(capsys, "-r", str(tmp_path / "requirements.txt"))
    assert code == 2 and "requirements.txt:2: werkzeug>=3 is not a pin" in err
    (tmp_path / "requirements.txt").write_text("werkzeug==3.1.9\n")
    code, _, err = audit(capsys, "-r", str(tmp_path / "requirements.txt"), "--python", "3.8")
    assert code == 2 and "requirements.txt:1: werkzeug 3.1.9 requires Python >=3.9, not 3.8" in err


@pytest.mark.matrix
def test_verify_shows_the_leak_and_the_workaround_on_the_pins(capsys, tmp_path: Path) -> None:
    target = tmp_path / "audit.json"
    code, _, err = audit(
        capsys,
        *("--lock", "flask-app/uv.lock", "--verify", "--jobs", "1"),
        *("--envs", str(tmp_path / "envs"), "--format", "json", "--output", str(target)),
    )
    doc = json.loads(target.read_text())
    # werkzeug-3039's leaking checks on 3.1.9 (other Werkzeug cases run cells of their own).
    runs = {(v["check"], v["kind"]): v for v in doc["verify"] if v["case"] == "werkzeug-3039"}
    assert code == 1, err
    assert set(runs) == {(c, k) for c in ("werkzeug", "flask") for k in ("plain", "workaround")}
    for (_, kind), run in runs.items():
        assert run["outcome"] == ("leak" if kind == "plain" else "clean"), run["reason"]
        assert run["version"] == "3.1.9" and run["off_pins"]["differ"] == []


def test_an_environment_instead_of_a_lock_file(capsys) -> None:
    code, out, err = audit(capsys, "--python-env", sys.executable, "--format", "json")
    doc = json.loads(out)
    assert code == 0, err
    assert doc["input"] == {"path": None, "format": "environment", "notes": []}
    assert doc["pythons"] == [platform.python_version()]
    code, _, err = audit(capsys, "--python-env", sys.executable, "--python", "3.8")
    assert code == 2 and "drop --python" in err


@pytest.mark.matrix  # nox builds the harness's environment: that can reach PyPI
@pytest.mark.parametrize(
    "argv, code",
    [
        (["--lock", "nope.lock"], 2),
        (["--python-env", sys.executable], 0),
    ],
)
def test_nox_session_keeps_the_exit_status(tmp_path: Path, argv: list[str], code: int) -> None:
    # The host's nox, as users run it: nox run by the harness's own Python would rebuild the
    # harness's environment around that Python (the environment is keyed by its interpreter).
    nox = shutil.which("nox")
    if nox is None:
        pytest.skip("nox is not on PATH (.ci/setup installs it)")
    noxfile = Path(__file__).resolve().parents[2] / "noxfile.py"
    proc = subprocess.run(
        [nox, "-f", str(noxfile), "-s", "audit", "--", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    if code == 2:
        assert f"{tmp_path}/nope.lock: no such file" in proc.stdout + proc.stderr


def test_default_python_is_one_the_lock_allows(capsys, tmp_path: Path) -> None:
    lock = tmp_path / "uv.lock"
    lock.write_text(
        'version = 1\nrequires-python = ">=3.12"\n\n'
        '[[package]]\nname = "werkzeug"\nversion = "3.1.9"\n'
    )
    code, out, err = audit(capsys, "--lock", str(lock), "--format", "json")
    doc = json.loads(out)
    assert code == 1, err
    assert doc["pythons"] == ["3.12"] and doc["findings"][0]["location"]["line"] == 5


@pytest.mark.parametrize(
    "installed, code, message",
    [
        pytest.param("3.11.7", 1, "", id="the 3.11 this machine has"),
        pytest.param(None, 2, "excludes Python 3.11.0", id="no 3.11 here: its first release"),
    ],
)
def test_a_python_line_is_read_as_the_interpreter_that_proves_it(
    capsys, tmp_path: Path, monkeypatch, installed: str | None, code: int, message: str
) -> None:
    found = interpreters.Interpreter("3.11", "/bin/python3.11", installed) if installed else None
    monkeypatch.setattr(interpreters, "find", lambda minor: found)
    lock = tmp_path / "uv.lock"
    lock.write_text(
        'version = 1\nrequires-python = ">=3.11.4"\n\n'
        '[[package]]\nname = "werkzeug"\nversion = "3.1.9"\n'
    )
    got, _, err = audit(capsys, "--lock", str(lock), "--python", "3.11")
    assert got == code and message in err, err


def _written(tmp_path: Path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text)
    return str(tmp_path / name)


def test_pins_as_users_write_them_are_audited(capsys, tmp_path: Path) -> None:
    # 5.3.2 written as 5.3.2.0, Werkzeug capitalised, and two -r files merged.
    first = _written(tmp_path, "a.txt", "pywebview==5.3.2.0\n")
    second = _written(tmp_path, "b.txt", "Werkzeug==3.1.9\n")
    code, out, err = audit(capsys, "-r", first, "-r", second, "--format", "json")
    assert code == 1, err
    found = {(f["case"], f["version"]) for f in json.loads(out)["findings"]}
    assert ("pywebview-ssl-generated-key-left", "5.3.2.0") in found
    assert ("werkzeug-3039", "3.1.9") in found


@pytest.mark.parametrize(
    "text, message",
    [("", "empty"), ("\0\1\2", "a binary file"), ("# nothing\n", "empty")],
)
def test_an_empty_or_binary_file_is_bad_input_naming_it(
    capsys, tmp_path: Path, text: str, message: str
) -> None:
    given = _written(tmp_path, "req.txt", text)
    for option in ("-r", "--lock"):
        code, _, err = audit(capsys, option, given)
        assert code == 2 and f"{given}: {message}" in err, err


def test_a_python_is_given_at_a_patch_level_or_read_at_one(capsys, tmp_path: Path) -> None:
    pinned = _written(tmp_path, "req.txt", "werkzeug==3.1.9\n")
    code, out, err = audit(capsys, "-r", pinned, "--python", "3.11.4", "--format", "json")
    doc = json.loads(out)
    assert code == 1, err
    assert doc["read_as"] == {"3.11.4": "3.11.4"}
    assert {f["python_full"] for f in doc["findings"]} == {"3.11.4"}
    code, out, _ = audit(capsys, "-r", pinned, "--python", "3.11")
    assert f"Python 3.11 (read as {interpreters.full_version('3.11')})" in out
    code, _, err = audit(capsys, "-r", pinned, "--python", "3.11.x")
    assert code == 2 and "--python '3.11.x'" in err


def _verified(*cells: tuple[str, str]) -> dict:
    return {
        "findings": [],
        "ignores": [],
        "verify": [{"kind": kind, "outcome": outcome} for kind, outcome in cells],
    }


@pytest.mark.parametrize(
    "cells, status",
    [
        ((("plain", "leak"), ("workaround", "clean")), 1),
        ((("plain", "leak"), ("workaround", "error")), 4),
        ((("plain", "flaky"),), 4),
        ((("plain", "clean"), ("workaround", "skip")), 4),
        ((("plain", "absent"), ("workaround", "clean")), 0),
    ],
)
def test_a_verify_cell_without_a_verdict_has_its_own_exit_status_not_the_harness_failures(
    cells: tuple, status: int
) -> None:
    assert commandline._exit_status(_verified(*cells)) == status
    assert commandline.CELL_FAILED != commandline.HARNESS_FAILED
