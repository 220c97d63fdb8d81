"""Result files and the matrix: schema, merging several OSes, order, counts, case headers,
escaping, links, sizes, atomic writes, and the report command's exit status."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest

from harness import cli, results
from harness.corpus import committed
from harness.corpus.metadata import Claim
from harness.outcomes import python_key
from harness.report import tables
from harness.report.case_pages import CasePage, Links, page
from tests.reportdata import cell, document, planted_disagreement, three_oses

ROOT = Path(__file__).resolve().parents[2]


def test_a_document_validates_and_a_broken_one_does_not() -> None:
    doc = document("linux", [cell("linux", "3.11")])
    results.validate(doc)
    broken = copy.deepcopy(doc)
    broken["cells"][0]["outcome"] = "leaky"
    with pytest.raises(jsonschema.ValidationError):
        results.validate(broken)


def test_columns_are_oses_users_know_then_pythons_in_version_order(tmp_path: Path) -> None:
    linux = document("linux", [cell("linux", "3.12"), cell("linux", "3.9")])
    windows = document("win32", [cell("win32", "3.12")])
    macos = document("darwin", [cell("darwin", "3.13", "clean", "leak")])
    matrix = tables.merge([windows, linux, macos])
    assert matrix.columns == [
        ("linux", "3.9"),
        ("linux", "3.12"),
        ("darwin", "3.13"),
        ("win32", "3.12"),
    ]
    assert len(matrix.rows) == 1 and len(matrix.disagreements) == 1
    _, written = tables.write([windows, linux, macos], tmp_path)
    markdown = (tmp_path / "matrix.md").read_text()
    assert "| Linux 3.9 | Linux 3.12 | macOS 3.13 | Windows 3.12 |" in markdown
    assert [p.name for p in written] == ["matrix.md", "cases", "matrix.html"]
    assert [p.name for p in written[1].iterdir()] == ["werkzeug-3039.html"]


def test_rows_are_grouped_by_case_and_check_with_releases_in_version_order() -> None:
    releases = ["5.3.2", "4.1", "5.4", "latest", "4.0.2", "10.0"]
    cells = [cell("linux", "3.11", variant=f"v{r}", release=r) for r in releases]
    cells.append({**cell("linux", "3.11"), "case": "aaa-1"})
    rows = tables.merge([document("linux", cells)]).rows
    assert rows[0][0] == "aaa-1"
    assert [r[3] for r in rows[1:]] == ["4.0.2", "4.1", "5.3.2", "5.4", "10.0", "latest"]


def test_the_case_toml_orders_checks_and_variants_of_one_release() -> None:
    cells = [cell("linux", "3.11", variant=v, release="2.15.0") for v in ("workaround", "affected")]
    cells += [{**c, "check": "aaa"} for c in copy.deepcopy(cells)]
    pages = {
        "werkzeug-3039": CasePage(
            "werkzeug-3039", checks=("werkzeug", "aaa"), variants=("affected", "workaround")
        )
    }
    rows = tables.merge([document("linux", cells)], pages).rows
    assert [(r[1], r[2]) for r in rows] == [
        ("werkzeug", "affected"),
        ("werkzeug", "workaround"),
        ("aaa", "affected"),
        ("aaa", "workaround"),
    ]


def test_the_later_run_wins_for_the_same_cell() -> None:
    old = document("linux", [cell("linux", "3.11", "error", "leak")], "2026-11-20T10:00:00+00:00")
    new = document("linux", [cell("linux", "3.11")], "2026-11-21T10:00:00+00:00")
    assert tables.merge([new, old]).cells[0]["outcome"] == "leak"


def test_counts_never_take_a_skip_for_an_agreement() -> None:
    cells = [
        cell("linux", "3.8", "skip", None, "Python 3.8 is not installed"),
        cell("linux", "3.9", "leak", "leak"),
        cell("linux", "3.10", "absent", "absent", variant="old"),
        cell("linux", "3.11", "clean", "leak"),
        cell("linux", "3.12", "error", "leak"),
    ]
    t = tables.count(cells)
    assert (t.cells, t.ran, t.agree, t.disagree, t.skipped, t.absent) == (5, 4, 2, 2, 1, 1)
    assert t.outcomes["clean"] == 1 and t.outcomes["flaky"] == 0
    assert t.verdict == "2 cells disagree with their expectation"
    assert tables.count(cells[:2]).verdict == (
        "every cell that ran agrees with its expectation (1 of 1)"
    )
    assert tables.count(cells[:4]).verdict == "1 cell disagrees with its expectation"
    assert tables.count(cells[:1]).verdict == "no cell ran"


def test_verdict_and_totals_come_first_then_the_disagreements_linked_to_their_cells() -> None:
    matrix = tables.merge([document("linux", [cell("linux", "3.11", "clean", "leak")])])
    html = tables.render(matrix, "html")
    body = html.split("<body>", 1)[1]
    assert body.index("1 cell disagrees") < body.index('class="totals"') < body.index("<h2")
    cell_id = re.search(r'<td id="(c[\w-]+)" class="o-clean x">', html).group(1)
    assert f'<li><a href="#{cell_id}">' in html
    markdown = tables.render(matrix, "md")
    lines = [line for line in markdown.splitlines() if line]
    assert lines[1] == "**Disagreement: 1 cell disagrees with its expectation.**"
    assert lines[2].startswith("| cells | ran | agree | disagree | skipped |")
    assert markdown.index("## 1 cell disagrees") < markdown.index("## werkzeug-3039")


def test_process_output_stays_text_in_html_and_markdown() -> None:
    matrix = tables.merge([planted_disagreement()])
    index = tables.render(matrix, "html")
    (evidence_page,) = tables.render_cases(matrix).values()
    for html in (index, evidence_page):
        assert "<img src=x" not in html and "<script>document" not in html
        assert "&lt;img src=x onerror=" in html and "backup.&lt;locals&gt;.backup" in html
        assert "\x1b" not in html
    assert index.count("<script>") == 1 and "<script" not in evidence_page
    assert "RuntimeWarning at <code>a.py:7</code>: &lt;img" in evidence_page
    markdown = tables.render(matrix, "md")
    assert "<img" not in markdown and "<script" not in markdown and "\x1b" not in markdown
    assert markdown.count("</details>") == markdown.count("<details>") == 1
    assert "backup.&lt;locals&gt;.backup" in markdown
    assert "\\[link\\]\\(javascript:x\\)" in markdown and "\\@someone" in markdown


def test_skips_are_grouped_by_reason_in_a_collapsed_markdown_block() -> None:
    cells = [cell("linux", py, "skip", None, "Python is not installed") for py in ("3.8", "3.9")]
    cells.append(cell("linux", "3.10", "skip", None, "not applicable on linux"))
    markdown = tables.render(tables.merge([document("linux", cells)]), "md")
    block = markdown.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "3 skipped cells, by reason" in block
    assert block.count("- **2** × Python is not installed") == 1
    assert block.count("- **1** × not applicable on linux") == 1


def test_each_distinct_environment_is_listed_once_in_the_index_and_referred_to() -> None:
    cells = [cell("linux", py) for py in ("3.9", "3.10", "3.11")]
    cells[2]["distributions"] = {"werkzeug": "3.1.9", "markupsafe": "3.0.2"}
    matrix = tables.merge([document("linux", cells)])
    html = tables.render(matrix, "html")
    first = tables.environment_code("werkzeug==3.1.9")
    second = tables.environment_code("markupsafe==3.0.2\nwerkzeug==3.1.9")
    assert html.count(f'id="v{first}"') == html.count(f'id="v{second}"') == 1
    assert html.count('<details id="v') == 2
    (evidence_page,) = tables.render_cases(matrix).values()
    assert evidence_page.count(f'href="../matrix.html#v{first}"') == 2
    assert evidence_page.count(f'href="../matrix.html#v{second}"') == 1


def _of_case(case: str, python: str, extra: str) -> dict:
    return {
        **cell("linux", python),
        "case": case,
        "distributions": {"werkzeug": "3.1.9", extra: python},
    }


def test_a_cases_merge_changes_no_other_cases_page() -> None:
    """Cell ids and environment codes come from the cells themselves: a case merged in (here
    one that sorts first, with cells and environments of its own) leaves every other case's
    evidence page as it was."""
    kept = [_of_case("zzz-1", py, "a") for py in ("3.11", "3.12")]
    before = tables.render_cases(tables.merge([document("linux", kept)]))
    added = [_of_case("aaa-1", py, "b") for py in ("3.9", "3.10", "3.11")]
    after = tables.render_cases(tables.merge([document("linux", [*added, *kept])]))
    assert set(after) == {"cases/aaa-1.html", "cases/zzz-1.html"}
    assert after["cases/zzz-1.html"] == before["cases/zzz-1.html"]
    changed = [_of_case("aaa-1", py, "c") for py in ("3.9", "3.12")]
    again = tables.render_cases(tables.merge([document("linux", [*changed, *kept])]))
    assert again["cases/zzz-1.html"] == before["cases/zzz-1.html"]


CASE_WITH_FIGURES = """
id = "werkzeug-3039"
title = "t"
package = "werkzeug"
repository = "https://example.invalid/werkzeug"
issue = "https://example.invalid/werkzeug/issues/3039"
status = "open"
fix = "none"
leak = "callbacks"
finding = "FINDING"
platforms = ["linux"]
notes = "n"

[checks.werkzeug]
reproducer = "repro.py"
reaches = ["path"]
probes = [{ probe = "temp_leftovers" }]

[variants.affected]
releases = ["3.1.9"]

[[expect]]
upstream = ">=3"
outcome = "leak"
why = "w"

[[claims]]
id = "W5.1"
claim = "c"
verdict = "confirmed"
evidence = "EVIDENCE"
cells = ["werkzeug/affected"]
"""


def test_the_case_header_links_the_issue_fix_and_files(tmp_path: Path) -> None:
    out = ROOT / "results"
    p = page("nicegui-4592", Links(out, environ={}), committed.cells())
    assert p.issue == ("#4592", "https://github.com/zauberzeug/nicegui/issues/4592")
    assert ("PR #4641", "https://github.com/zauberzeug/nicegui/pull/4641") in p.fixes
    assert p.finding.startswith("Fixed in 2.16.0")
    assert dict(p.links) == {
        "fix README": "../fixes/nicegui-4592/README.md",
        "patch": "../fixes/nicegui-4592/patch.py",
        "workaround": "../fixes/nicegui-4592/workaround.py",
    }
    assert ("py3.10-linux", "history/nicegui-4592-py3.10-linux.md") in p.histories


def test_links_are_absolute_in_github_actions() -> None:
    environ = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "owner/corpus",
        "GITHUB_SHA": "abc123",
    }
    p = page("werkzeug-3039", Links(ROOT / "results", environ), committed.cells())
    blob = "https://github.com/owner/corpus/blob/abc123/"
    assert dict(p.links)["patch"] == blob + "fixes/werkzeug-3039/patch.py"
    assert all(url.startswith(blob + "results/history/") for _, url in p.histories)


def test_the_case_header_renders_its_figures_from_the_cells_given(tmp_path: Path) -> None:
    folder = tmp_path / "werkzeug-3039"
    folder.mkdir()
    (folder / "repro.py").write_text("")
    field = "{cells:werkzeug/affected:exit_code max}"
    (folder / "case.toml").write_text(
        CASE_WITH_FIGURES.replace("FINDING", f"exit {field}").replace("EVIDENCE", f"x {field}")
    )
    fixture = cell("linux", "3.11")
    fixture["evidence"]["runs"][0]["exit_code"] = 7
    p = page("werkzeug-3039", Links(tmp_path, environ={}), [fixture], cases_dir=tmp_path)
    assert p.finding == "exit 7"
    assert [c.evidence for c in p.claims] == ["x 7"]


def test_an_evidence_page_lists_what_a_simulation_assumed() -> None:
    simulated = cell("linux", "3.11")
    simulated["evidence"]["runs"][0]["recorded"]["assumptions"] = {
        "held-files": {"assumed": "a <held> file stays", "source": "https://example.invalid/a"}
    }
    (page_html,) = tables.render_cases(tables.merge([document("linux", [simulated])])).values()
    assert "In simulation: what the doubles assume" in page_html
    assert (
        "<li><b>held-files</b>: a &lt;held&gt; file stays (source: https://example.invalid/a)</li>"
        in page_html
    )
    plain = tables.render_cases(tables.merge([document("linux", [cell("linux", "3.11")])]))
    assert all("what the doubles assume" not in html for html in plain.values())


def test_a_claims_table_is_shown_when_the_case_has_one() -> None:
    claims = (Claim("W1.1", "the <b>folder</b> stays", "confirmed", "x", ("werkzeug/affected",)),)
    pages = {"werkzeug-3039": CasePage("werkzeug-3039", claims=claims)}
    matrix = tables.merge([document("linux", [cell("linux", "3.11")])], pages)
    html = tables.render(matrix, "html", pages)
    assert '<td class="v-confirmed">confirmed</td>' in html and "the &lt;b&gt;folder" in html
    first = tables.cell_id(matrix.cells[0])
    assert (
        f'x Cells: <a href="cases/werkzeug-3039.html#r{first}">werkzeug/affected</a></td>' in html
    )
    assert (
        "| W1.1: the &lt;b&gt;folder&lt;/b&gt; stays | confirmed | x Cells: werkzeug/affected |"
        in (tables.render(matrix, "md", pages))
    )
    assert '<table class="claims">' not in tables.render(matrix, "html")


def test_the_matrix_links_the_release_histories_kept_beside_it(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "werkzeug-3039-py3.99-linux.md").write_text("# history\n")
    tables.write([document("linux", [cell("linux", "3.11")])], tmp_path)
    link = "history/werkzeug-3039-py3.99-linux.md"
    assert f"[py3.99-linux]({link})" in (tmp_path / "matrix.md").read_text()
    assert f'<a href="{link}">py3.99-linux</a>' in (tmp_path / "matrix.html").read_text()


# Issue 14: three OSes merged, at most 1 MB of HTML a page. The index holds every cell of the
# grid (about 104 bytes a cell: 704 KB for the 1,704 Linux cells of Python 3.8-3.13 times three
# OSes), so it grows with the Pythons, not with the evidence, which is on the case pages.
PAGE_BYTES = 1_000_000
INDEX_BYTES_PER_CELL = 150


def test_three_oses_fit_in_pages_of_1_mb_and_a_job_summary(tmp_path: Path) -> None:
    documents = three_oses()
    matrix, _ = tables.write(documents, tmp_path)
    assert {os_name for os_name, _ in matrix.columns} == {"linux", "win32", "darwin"}
    assert len(matrix.cells) == 3 * len(documents[0]["cells"])
    pages = sorted(tmp_path.rglob("*.html"))
    assert len(pages) == 1 + len(matrix.cases)
    sizes = {p.relative_to(tmp_path).as_posix(): p.stat().st_size for p in pages}
    assert max(sizes.values()) <= PAGE_BYTES, sizes
    assert sizes["matrix.html"] <= INDEX_BYTES_PER_CELL * len(matrix.cells), sizes["matrix.html"]
    markdown = tmp_path / "matrix.md"
    assert markdown.stat().st_size < 1024 * 1024, markdown.stat().st_size
    pythons = sorted({c["python_requested"] for c in documents[0]["cells"]}, key=python_key)
    row = ("werkzeug-3039", "werkzeug", "affected", "3.1.9")
    assert matrix.at(row, ("win32", pythons[-1]))["os"] == "win32"
    text = markdown.read_text()
    assert f"| Linux {pythons[0]} |" in text and f"Windows {pythons[-1]} |" in text


def test_every_cell_of_the_grid_links_to_its_evidence_on_its_case_page(tmp_path: Path) -> None:
    matrix, _ = tables.write(three_oses(), tmp_path)
    index = (tmp_path / "matrix.html").read_text()
    links = dict(
        re.findall(r'<td id="(c[\w-]+)" class="o-(?!skip)[^"]*"><a href="([^"]+)">', index)
    )
    assert len(links) == sum(c["outcome"] != "skip" for c in matrix.cells)
    anchors: dict[str, set[str]] = {}
    for cell_id, href in links.items():
        page_path, _, anchor = href.partition("#")
        if page_path not in anchors:
            html = (tmp_path / page_path).read_text()
            anchors[page_path] = set(re.findall(r' id="([^"]+)"', html))
        assert anchor == f"e{cell_id}" and anchor in anchors[page_path], href
    assert sorted(anchors) == [f"cases/{case}.html" for case in matrix.cases]


def test_a_case_id_that_is_no_safe_file_name_gets_a_numbered_page(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "gone-case.html").write_text("from an earlier report")
    hostile = {**cell("linux", "3.11"), "case": "../../etc/x"}
    tables.write([document("linux", [cell("linux", "3.10"), hostile])], tmp_path)
    assert sorted(p.name for p in (tmp_path / "cases").iterdir()) == [
        "_0.html",
        "werkzeug-3039.html",
    ]
    assert 'href="cases/_0.html#e' in (tmp_path / "matrix.html").read_text()


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


def test_report_renders_and_fails_on_a_disagreement_only_with_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "run.json"
    source.write_text(json.dumps(document("linux", [cell("linux", "3.11", "clean", "leak")])))
    out = tmp_path / "out"
    assert cli.main(["report", "--out", str(out), str(source)]) == 0
    assert (out / "matrix.html").is_file() and (out / "matrix.md").is_file()
    assert cli.main(["report", "--check", "--out", str(out), str(source)]) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("Disagreement: 1 cell disagrees")
    assert printed.rstrip().splitlines()[-1] == f"wrote {out / 'matrix.html'}"


def _merged_three_runs() -> dict:
    """A baseline made of three runs: 3.10 at a clean commit, 3.11 from a dirty tree, 3.12 by
    the run that wrote the file; each cell marked with the run that made it."""
    starts = ["2026-11-20T10:00:00+00:00", "2026-11-21T10:00:00+00:00", "2026-11-22T10:00:00+00:00"]
    trees = [("1111111111aa", False), ("2222222222bb", True), ("3333333333cc", False)]
    runs = [document("linux", [], started=s) for s in starts]
    for run, (commit, dirty), python in zip(runs, trees, ("3.10", "3.11", "3.12")):
        run["run"]["corpus"] = {"commit": commit, "dirty": dirty}
        run["run"]["command"] = f"python -m harness all --python {python} --save-baseline"
        run["cells"] = [{**cell("linux", python), "run_started": run["run"]["started"]}]
    merged = results.merged_baseline(runs[0], runs[1], ["werkzeug-3039"], ["3.11"])
    return results.merged_baseline(merged, runs[2], ["werkzeug-3039"], ["3.12"])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_run_merged_into_a_baseline_is_listed_with_its_commit_and_its_cells(
    fmt: str,
) -> None:
    matrix = tables.merge([_merged_three_runs()])
    assert [r["corpus"]["commit"] for r in matrix.sources] == [
        "1111111111aa",
        "2222222222bb",
        "3333333333cc",
    ]
    assert [matrix.made_by(r) for r in matrix.sources] == [1, 1, 1]
    text = tables.render(matrix, fmt)
    runs = text[text.index("Runs merged") :]
    for commit, python in (("1111111111", "3.10"), ("2222222222", "3.11"), ("3333333333", "3.12")):
        assert commit in runs and f"--python {python} --save-baseline" in runs
    assert "1 of 3 runs ran from a tree with uncommitted changes" in runs
    assert "do not record the run" not in runs


def test_a_run_that_made_no_cell_of_the_matrix_is_listed_with_none() -> None:
    baseline = _merged_three_runs()
    again = document("linux", [], started="2026-11-23T10:00:00+00:00")
    again["cells"] = [{**cell("linux", "3.11", "clean"), "run_started": again["run"]["started"]}]
    matrix = tables.merge([results.merged_baseline(baseline, again, ["werkzeug-3039"], ["3.11"])])
    assert [matrix.made_by(r) for r in matrix.sources] == [1, 0, 1, 1]
    assert tables.View(matrix, {}).made(matrix.sources[1]) == "0"


def test_cells_that_do_not_record_their_run_are_counted_and_said() -> None:
    older = document("linux", [cell("linux", "3.10"), cell("linux", "3.11")])
    matrix = tables.merge([older])
    assert matrix.unattributed == 2
    assert tables.View(matrix, {}).made(matrix.sources[0]) == "?"
    assert "2 cells do not record the run that made them" in tables.render(matrix, "md")


def test_the_cell_from_the_later_run_wins_by_the_run_that_made_it() -> None:
    early, late = "2026-11-20T10:00:00+00:00", "2026-11-22T10:00:00+00:00"
    # The baseline file is newer, but its 3.11 cell came from the earlier run.
    baseline = document("linux", [{**cell("linux", "3.11", "leak"), "run_started": early}], late)
    middle = "2026-11-21T10:00:00+00:00"
    clean = {**cell("linux", "3.11", "clean", "clean"), "run_started": middle}
    newer_run = document("linux", [clean], middle)
    assert tables.merge([baseline, newer_run]).cells[0]["outcome"] == "clean"
    assert tables.merge([newer_run, baseline]).cells[0]["outcome"] == "clean"
