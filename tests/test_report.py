"""Result files and the matrix: schema, merging several OSes, escaping, atomic writes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from harness import report, results


def cell(
    os_name: str,
    python: str,
    outcome: str = "leak",
    expected: str | None = "leak",
    reason: str = "1 of 1 callbacks never ran",
    variant: str = "affected",
) -> dict:
    return {
        "case": "werkzeug-3039",
        "check": "werkzeug",
        "variant": variant,
        "release": "3.1.9",
        "python": f"{python}.0",
        "python_requested": python,
        "os": os_name,
        "upstream": {"package": "werkzeug", "version": "3.1.9"},
        "outcome": outcome,
        "expected": expected,
        "expected_why": "issue #3039",
        "agrees": outcome == expected,
        "reason": reason,
        "evidence_kind": "native",
        "evidence": {
            "runs": [
                {
                    "outcome": outcome if outcome != "flaky" else "leak",
                    "reason": reason,
                    "exit_code": 0,
                    "duration_s": 0.3,
                    "findings": {},
                    "recorded": {"trigger": ["GET"]},
                    "stderr_tail": reason,
                }
            ]
        },
        "duration_s": 0.4,
        "distributions": {"werkzeug": "3.1.9"},
    }


def document(os_name: str, cells: list[dict], started: str = "2026-11-21T10:00:00+00:00") -> dict:
    doc = results.new_run("python -m harness all", "uv|virtualenv")
    doc["run"].update(started=started, finished=started, complete=True)
    doc["run"]["host"]["os"] = os_name
    doc["cells"] = cells
    return doc


def test_a_document_validates_and_a_broken_one_does_not() -> None:
    doc = document("linux", [cell("linux", "3.11")])
    results.validate(doc)
    broken = copy.deepcopy(doc)
    broken["cells"][0]["outcome"] = "leaky"
    with pytest.raises(jsonschema.ValidationError):
        results.validate(broken)


def test_reports_merge_oses_into_one_matrix(tmp_path: Path) -> None:
    linux = document("linux", [cell("linux", "3.11"), cell("linux", "3.12")])
    windows = document("win32", [cell("win32", "3.12")])
    macos = document("darwin", [cell("darwin", "3.13", "clean", "leak")])
    matrix = report.merge([linux, windows, macos])
    assert matrix.columns == [
        ("darwin", "3.13"),
        ("linux", "3.11"),
        ("linux", "3.12"),
        ("win32", "3.12"),
    ]
    assert len(matrix.rows) == 1 and len(matrix.disagreements) == 1
    written = report.write(matrix, tmp_path)
    markdown = (tmp_path / "matrix.md").read_text()
    assert "| darwin 3.13 | linux 3.11 | linux 3.12 | win32 3.12 |" in markdown
    assert "clean 3.9.1" not in markdown and "clean 3.1.9 !" in markdown
    assert [p.name for p in written] == ["matrix.md", "matrix.html"]


def test_the_later_run_wins_for_the_same_cell() -> None:
    old = document("linux", [cell("linux", "3.11", "error", "leak")], "2026-11-20T10:00:00+00:00")
    new = document("linux", [cell("linux", "3.11")], "2026-11-21T10:00:00+00:00")
    assert report.merge([new, old]).cells[0]["outcome"] == "leak"


def test_process_output_is_escaped_in_html() -> None:
    hostile = "<script>alert('x')</script> | `tick`"
    matrix = report.merge([document("linux", [cell("linux", "3.11", "error", "leak", hostile)])])
    html = report.render(matrix, "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "\\| `tick`" in report.render(matrix, "md")


def test_summary_names_the_cells_that_disagree() -> None:
    matrix = report.merge(
        [
            document(
                "linux", [cell("linux", "3.11", "flaky", "leak", "repeats disagree: leak, clean")]
            )
        ]
    )
    text = report.summary(matrix)
    assert "DISAGREES werkzeug-3039/werkzeug/affected@3.1.9 linux py3.11: flaky" in text


def test_the_run_file_is_rewritten_whole_after_every_cell(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "run.json"
    writer = results.RunWriter(path, document("linux", []))
    writer.document["run"].update(complete=False, finished=None)
    writer.add(cell("linux", "3.11"))
    partial = json.loads(path.read_text())
    assert len(partial["cells"]) == 1 and partial["run"]["complete"] is False
    results.validate(partial)
    writer.finish()
    assert results.load(path)["run"]["complete"] is True
    assert sorted(p.name for p in path.parent.iterdir()) == ["run.json"]


def test_loading_a_bad_file_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something else"}')
    with pytest.raises(ValueError, match="bad.json: not a valid result file"):
        results.load(bad)


def test_the_matrix_links_the_release_histories_kept_beside_it(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "werkzeug-3039-py3.11-linux.md").write_text("# history\n")
    report.write(report.merge([document("linux", [cell("linux", "3.11")])]), tmp_path)
    link = "history/werkzeug-3039-py3.11-linux.md"
    assert f"[{link}]({link})" in (tmp_path / "matrix.md").read_text()
    assert f'<a href="{link}">' in (tmp_path / "matrix.html").read_text()


def test_a_real_linux_baseline_merges_with_windows_and_macos_runs(tmp_path: Path) -> None:
    real = results.load(
        Path(__file__).resolve().parent.parent / "results" / "baseline" / "linux.json"
    )
    windows = document("win32", [cell("win32", "3.12")])
    macos = document("darwin", [cell("darwin", "3.13")])
    matrix = report.merge([real, windows, macos])
    oses = {os_name for os_name, _ in matrix.columns}
    assert oses == {"linux", "win32", "darwin"}
    linux_cells = [c for c in matrix.cells if c["os"] == "linux"]
    assert len(linux_cells) == len(real["cells"])
    row = ("werkzeug-3039", "werkzeug", "affected", "3.1.9")
    assert matrix.at(row, ("win32", "3.12"))["os"] == "win32"
    assert matrix.at(row, ("linux", "3.12"))["outcome"] == "leak"
    report.write(matrix, tmp_path)
    assert "win32 3.12" in (tmp_path / "matrix.md").read_text()
