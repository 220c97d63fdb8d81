"""The GitHub Actions job for app developers in docs/auditing.md: valid against GitHub's
workflow schema, and it runs the audit with options the audit has, uploads the SARIF it
writes, and fails on the audit's exit status."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from harness import cli
from tests.test_workflow import _schema_check

PAGE = Path(__file__).resolve().parents[2] / "docs" / "auditing.md"


def _job_text() -> str:
    section = PAGE.read_text(encoding="utf-8").split("## A job for your repository", 1)[1]
    section = section.split("\n## ", 1)[0]
    return re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)


def test_the_job_matches_githubs_schema(tmp_path: Path) -> None:
    path = tmp_path / "leak-audit.yml"
    path.write_text(_job_text())
    result = _schema_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_job(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(_job_text().replace("runs-on:", "runs_on:"))
    assert _schema_check(path).returncode != 0


def test_the_job_runs_the_audit_and_uploads_its_sarif() -> None:
    steps = yaml.safe_load(_job_text())["jobs"]["leak-audit"]["steps"]
    script = next(s["run"] for s in steps if s.get("id") == "audit")
    commands = [line for line in script.splitlines() if line.startswith("nox ")]
    assert commands
    for command in commands:
        words = shlex.split(command.replace('"$GITHUB_STEP_SUMMARY"', "summary.md"))
        audit_args = words[words.index("--") + 1 :]
        words = [w for w in audit_args if w != ">" and w != "/dev/null"]
        cli.parser().parse_args(["audit", *words])  # exits on an option the audit lacks
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] in script
    assert any("steps.audit.outputs.status" in str(s.get("if", "")) for s in steps)
