"""Result documents: a baseline merged case by case and Python by Python keeps the rest; run
files written whole, in UTF-8, stamped in UTC, about the corpus commit they ran."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import locale
import os
import platform
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest

from harness import results
from harness.run.plan import PLATFORM
from tests.reportdata import cell, document


def _cell(case: str, python: str, outcome: str) -> dict:
    return {
        "case": case,
        "check": "c",
        "variant": "v",
        "release": "1.0",
        "os": "linux",
        "python_requested": python,
        "outcome": outcome,
    }


def test_a_merge_replaces_only_the_cases_and_pythons_that_ran(monkeypatch) -> None:
    monkeypatch.setattr(results, "validate", lambda document: None)  # the shape is not the point
    header = {"started": "t0", "corpus": {}, "command": "old"}
    baseline = {
        "run": header,
        "cells": [
            _cell("a", "3.10", "leak"),
            _cell("a", "3.11", "leak"),
            _cell("b", "3.10", "leak"),
        ],
    }
    run = {
        "run": {"started": "t1", "corpus": {}, "command": "new"},
        "cells": [_cell("a", "3.10", "clean")],
    }
    merged = results.merged_baseline(baseline, run, ["a"], ["3.10"])
    assert sorted((c["case"], c["python_requested"], c["outcome"]) for c in merged["cells"]) == [
        ("a", "3.10", "clean"),
        ("a", "3.11", "leak"),
        ("b", "3.10", "leak"),
    ]
    assert merged["run"]["command"] == "new" and merged["run"]["merged_from"] == [header]


def _released(release: str, outcome: str, source: dict | None = None) -> dict:
    upstream = {"package": "demo", "version": release, **({"source": source} if source else {})}
    return {**_cell("a", "3.11", outcome), "release": release, "upstream": upstream}


def test_a_continued_run_replaces_the_cells_it_reruns_and_keeps_the_rest(tmp_path) -> None:
    header = {"started": "t0", "corpus": {"commit": "abc"}, "command": "history a --from 1.0"}
    tree = _released("(tree)", "clean", {"location": "/src/demo"})
    previous = {
        "run": header,
        "cells": [_released("1.0", "leak"), _released("1.1", "leak"), tree],
    }
    run = {"run": {"started": "t1", "corpus": {}, "command": "history a --from 1.1"}, "cells": []}
    document = results.continued(previous, run)
    assert document["run"]["merged_from"] == [header]
    writer = results.RunWriter(tmp_path / "history.json", document)
    writer.add(_released("1.1", "clean"))
    on_disk = json.loads((tmp_path / "history.json").read_text())["cells"]
    assert [(c["release"], c["outcome"]) for c in on_disk] == [
        ("1.0", "leak"),
        ("1.1", "clean"),
    ]  # 1.1 replaced, not doubled; the working tree's row from the earlier run is dropped


def test_a_run_that_continues_nothing_names_no_earlier_run() -> None:
    run = {"run": {"started": "t1", "corpus": {}, "command": "new"}, "cells": []}
    previous = {"run": {"started": "t0", "corpus": {}, "command": "old"}, "cells": []}
    assert "merged_from" not in results.continued(previous, run)["run"]


def test_a_continued_run_keeps_every_earlier_merge_in_merged_from() -> None:
    older = {"started": "t-1", "corpus": {}, "command": "older"}
    header = {"started": "t0", "corpus": {}, "command": "old", "merged_from": [older]}
    previous = {"run": header, "cells": [_released("1.0", "leak")]}
    run = {"run": {"started": "t1", "corpus": {}, "command": "new"}, "cells": []}
    assert results.continued(previous, run)["run"]["merged_from"] == [
        older,
        {"started": "t0", "corpus": {}, "command": "old"},
    ]


def test_a_merge_is_validated_and_keeps_every_earlier_merge_in_merged_from() -> None:
    older = {
        "started": "2026-11-20T10:00:00+00:00",
        "corpus": {"commit": None, "dirty": False},
        "command": "older",
    }  # a header from before merged runs kept their host
    baseline = document("linux", [cell("linux", "3.10"), cell("linux", "3.11")])
    baseline["run"]["merged_from"] = [older]
    run = document(
        "linux", [cell("linux", "3.11", "clean", "clean")], started="2026-11-22T10:00:00+00:00"
    )
    merged = results.merged_baseline(baseline, run, ["werkzeug-3039"], ["3.11"])
    assert merged["run"]["merged_from"] == [
        older,
        {
            "started": "2026-11-21T10:00:00+00:00",
            "corpus": baseline["run"]["corpus"],
            "command": "python -m harness all",
            "host": baseline["run"]["host"],
            "complete": baseline["run"]["complete"],
        },
    ]
    broken = {**run, "cells": [{**run["cells"][0], "outcome": "maybe"}]}
    with pytest.raises(jsonschema.ValidationError):
        results.merged_baseline(baseline, broken, ["werkzeug-3039"], ["3.11"])


@pytest.fixture
def far_from_utc():
    """Local time 14 hours ahead of UTC: a local clock cannot pass for UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "FAR-14"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_now_is_utc_to_the_second(far_from_utc) -> None:
    stamp = dt.datetime.fromisoformat(results.now())
    assert stamp.utcoffset() == dt.timedelta(0) and stamp.microsecond == 0
    assert abs(stamp - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def test_a_run_file_is_named_after_the_utc_second_the_platform_and_the_process(
    far_from_utc,
) -> None:
    name = results.stamp_name()
    stamp, platform_, pid = name.removesuffix(".json").split("-")
    assert name.endswith(".json") and (platform_, pid) == (PLATFORM, str(os.getpid()))
    assert len(stamp) == len("20261122T081500Z")  # fixed width: the names sort by time
    when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    assert abs(when - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def _git(repo: Path, *args: str) -> str:
    config = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=0"]
    out = subprocess.run(
        ["git", *config, *args], cwd=repo, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the corpus's root, outside any git checkout; the test runs from
    another folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "corpus"
    elsewhere = tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(results, "ROOT", root)
    return root


def test_a_run_names_thecorpus_commit_and_whether_the_tree_was_dirty(corpus: Path) -> None:
    _git(corpus, "init", "-q")
    _git(corpus, "commit", "-q", "--allow-empty", "-m", "first")
    head = _git(corpus, "rev-parse", "HEAD")
    assert len(head) == 40
    assert results.corpus_commit() == {"commit": head, "dirty": False}
    (corpus / "new.txt").write_text("x")
    assert results.corpus_commit() == {"commit": head, "dirty": True}


def test_the_uncommitted_files_of_the_corpus_are_named(corpus: Path) -> None:
    _git(corpus, "init", "-q")
    (corpus / "kept.txt").write_text("x")
    _git(corpus, "add", "kept.txt")
    _git(corpus, "commit", "-q", "-m", "first")
    assert results.uncommitted() == []
    (corpus / "kept.txt").write_text("changed")
    (corpus / "new.txt").write_text("x")
    assert sorted(results.uncommitted()) == ["kept.txt", "new.txt"]


def test_a_corpus_outside_git_or_without_git_has_no_commit(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert results.corpus_commit() == {"commit": None, "dirty": False}
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))  # no git on it
    assert results.corpus_commit() == {"commit": None, "dirty": False}


def test_a_new_run_is_a_valid_unfinished_document_about_this_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(results, "now", lambda: "2026-11-22T08:00:00+00:00")
    monkeypatch.setattr(results, "corpus_commit", lambda: {"commit": "abc", "dirty": True})
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    document_ = results.new_run("python -m harness all", "uv")
    results.validate(document_)
    assert document_ == {
        "schema": "leak-corpus/results",
        "schema_version": 2,
        "run": {
            "started": "2026-11-22T08:00:00+00:00",
            "finished": None,
            "complete": False,
            "host": {
                "os": PLATFORM,
                "platform": platform.platform(),
                "machine": platform.machine(),
                "node": platform.node(),
                "cpus": 3,
            },
            "corpus": {"commit": "abc", "dirty": True},
            "command": "python -m harness all",
            "venv_backend": "uv",
        },
        "cells": [],
    }


def test_a_host_whose_cpu_count_is_unknown_counts_one_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "corpus_commit", lambda: {"commit": None, "dirty": False})
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert results.new_run("c", "uv")["run"]["host"]["cpus"] == 1


def test_a_file_is_written_into_missing_folders_and_readable_by_everyone(tmp_path: Path) -> None:
    path = tmp_path / "results" / "runs" / "run.json"
    results.write_atomic(path, "first\n")
    results.write_atomic(path, "second\n")
    assert path.read_text() == "second\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's private 0o600
    assert [p.name for p in path.parent.iterdir()] == ["run.json"]


def test_the_text_is_written_to_a_hidden_file_beside_the_target_then_renamed_over_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename within one folder is atomic (across file systems it fails), and a file a
    killed run leaves behind is hidden and says which file it was to become."""
    path = tmp_path / "run.json"
    path.write_text("old\n")
    seen = []
    rename = os.replace

    def replace(src, dst) -> None:
        seen.append((sorted(p.name for p in tmp_path.iterdir()), path.read_text()))
        rename(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    results.write_atomic(path, "new\n")
    [(names, before)] = seen
    assert before == "old\n" and path.read_text() == "new\n"
    [temporary] = [n for n in names if n != "run.json"]
    assert temporary.startswith(".run.json.")


def test_a_write_that_fails_leaves_the_old_file_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        results.write_atomic(path, "half a pair \ud800")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_an_interrupt_just_after_the_rename_reaches_the_caller_as_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C between the rename and the end of the write: the temporary file is gone already,
    and the interrupt, not a FileNotFoundError from the clean-up, is what the caller sees."""

    class Interrupted(BaseException):
        pass

    rename = os.replace

    def replace_then_interrupt(src, dst) -> None:
        rename(src, dst)
        raise Interrupted

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    path = tmp_path / "run.json"
    with pytest.raises(Interrupted):
        results.write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


@pytest.fixture
def ascii_locale():
    """The C locale, whose encoding is ASCII, for this test only."""
    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        with tempfile.TemporaryFile("w") as probe:
            if codecs.lookup(probe.encoding).name != "ascii":
                pytest.skip(f"the locale does not choose the encoding here ({probe.encoding})")
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


def test_files_are_written_and_read_as_utf8_whatever_the_locale(
    tmp_path: Path, ascii_locale
) -> None:
    text = "Zähler ✓ – 1 of 1 callbacks never ran"
    report = tmp_path / "report.md"
    results.write_atomic(report, text)
    assert report.read_bytes() == text.encode("utf-8")
    run = tmp_path / "run.json"
    document_ = document("linux", [cell("linux", "3.11", reason=text)])
    results.write_atomic(run, json.dumps(document_, ensure_ascii=False))
    assert results.load(run)["cells"][0]["reason"] == text


def test_a_run_file_is_json_with_sorted_keys_one_per_line(tmp_path: Path) -> None:
    """Committed baselines then differ, run to run, only where cells differ."""
    path = tmp_path / "run.json"
    results.RunWriter(path, {"cells": [], "b": {"d": 1, "c": [2]}})
    assert path.read_text() == '{\n "b": {\n  "c": [\n   2\n  ],\n  "d": 1\n },\n "cells": []\n}\n'


def test_finishing_sorts_the_cells_in_version_order_and_stamps_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = [cell("linux", "3.10"), cell("linux", "3.11", variant="fixed"), cell("linux", "3.9")]
    document_ = document("linux", cells)
    document_["run"].update(finished=None, complete=False)
    monkeypatch.setattr(results, "now", lambda: "2026-11-22T09:00:00+00:00")
    results.RunWriter(tmp_path / "run.json", document_).finish()
    done = results.load(tmp_path / "run.json")
    assert [(c["variant"], c["python_requested"]) for c in done["cells"]] == [
        ("affected", "3.9"),
        ("affected", "3.10"),
        ("fixed", "3.11"),
    ]
    assert done["run"]["finished"] == "2026-11-22T09:00:00+00:00"
    assert done["run"]["complete"] is True


def test_a_bad_result_file_is_named_with_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**document("linux", []), "schema_version": 1}))
    for path, why in [
        (missing, f"[Errno 2] No such file or directory: '{missing}'"),
        (broken, "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (old, "2 was expected"),
    ]:
        with pytest.raises(ValueError) as raised:
            results.load(path)
        assert str(raised.value) == f"{path}: not a valid result file: {why}"


def test_each_cell_a_run_writes_names_that_run(tmp_path) -> None:
    run = document("linux", [], started="2026-11-22T10:00:00+00:00")
    writer = results.RunWriter(tmp_path / "run.json", run)
    writer.add(cell("linux", "3.11"))
    on_disk = json.loads((tmp_path / "run.json").read_text())["cells"]
    assert [c["run_started"] for c in on_disk] == ["2026-11-22T10:00:00+00:00"]


def test_a_merged_baseline_keeps_which_run_made_each_cell_and_lists_every_run(tmp_path) -> None:
    first = document("linux", [], started="2026-11-20T10:00:00+00:00")
    results.RunWriter(tmp_path / "a.json", first).add(cell("linux", "3.10"))
    second = document("linux", [], started="2026-11-21T10:00:00+00:00")
    results.RunWriter(tmp_path / "b.json", second).add(cell("linux", "3.11"))
    merged = results.merged_baseline(first, second, ["werkzeug-3039"], ["3.11"])
    assert [(c["python_requested"], c["run_started"]) for c in merged["cells"]] == [
        ("3.10", "2026-11-20T10:00:00+00:00"),
        ("3.11", "2026-11-21T10:00:00+00:00"),
    ]
    assert [r["started"] for r in results.runs(merged)] == [
        "2026-11-20T10:00:00+00:00",
        "2026-11-21T10:00:00+00:00",
    ]
    assert "merged_from" not in results.runs(merged)[-1]
