"""A cell's evidence as the report shows it: decisive lines, warnings, leftovers, controls,
the rerun command, and the pieces a row's cells share."""

from __future__ import annotations

import copy

from harness.report import evidence
from tests.reportdata import cell

TRACKER = (
    "/usr/lib/python3.11/multiprocessing/resource_tracker.py:216: UserWarning: resource_tracker:"
    " There appear to be 11 leaked semaphore objects to clean up at shutdown"
)


def parts(c: dict) -> dict[str, object]:
    return {p.kind: p.value for p in evidence.of(c)}


def semaphore_cell() -> dict:
    c = cell("linux", "3.11", reason="the resource tracker reported 11 leaked semaphores")
    run = c["evidence"]["runs"][0]
    run["stderr_tail"] = "\n".join([TRACKER, *(f"INFO: line {i}" for i in range(20))])
    run["findings"] = {
        "leaked_semaphores": {
            "outcome": "leak",
            "summary": "the resource tracker reported 11 leaked semaphores",
            "count": 11,
            "lines": [TRACKER],
        }
    }
    return c


def test_the_decisive_line_is_shown_and_marked_though_it_is_not_in_the_tail() -> None:
    stderr = parts(semaphore_cell())["stderr"]
    assert stderr[0] == (TRACKER, True)
    assert stderr[1] == ("…", False)
    assert stderr[-1] == ("INFO: line 19", False)
    assert len(stderr) == 2 + evidence.STDERR_LINES
    assert [line for line, decisive in stderr if decisive] == [TRACKER]


def test_an_error_marks_the_exception_line() -> None:
    c = cell("linux", "3.11", "error", "leak", "exit status 1")
    c["evidence"]["runs"][0]["stderr_tail"] = (
        "Traceback (most recent call last):\n  x\nKeyError: 'k'\n"
    )
    assert ("KeyError: 'k'", True) in parts(c)["stderr"]


def test_warnings_leftovers_and_controls_are_named() -> None:
    c = cell("linux", "3.11")
    run = c["evidence"]["runs"][0]
    run["recorded"]["warnings"] = [
        {
            "category": "RuntimeWarning",
            "message": "coroutine 'backup' was never awaited",
            "where": "/env/lib/python3.11/site-packages/nicegui/app/app.py:277",
        }
    ]
    run["recorded"]["controls"] = {"canary-seen": True, "tracker-live": False}
    run["recorded"]["files_left"] = {"data/storage.json": 0}
    run["leftovers"] = ["tmpabc", "corpus-canary-x1y2"]  # the canary is not shown as left
    shown = parts(c)
    assert shown["warnings"] == (
        evidence.Warned(
            "RuntimeWarning", "nicegui/app/app.py:277", ("coroutine 'backup' was never awaited",)
        ),
    )
    assert shown["controls"] == (("canary-seen", True), ("tracker-live", False))
    assert shown["leftovers"] == ("tmpabc", "data/storage.json (0)")


def test_the_assumptions_of_a_simulation_are_shown_once_each_with_their_source() -> None:
    c = cell("linux", "3.11")
    run = c["evidence"]["runs"][0]
    c["evidence"]["runs"].append(copy.deepcopy(run))
    held = {"assumed": "a held file cannot be deleted", "source": "https://example.invalid/a"}
    for each in c["evidence"]["runs"]:
        each["recorded"]["assumptions"] = {"held-files": held}
    assert parts(c)["assumptions"] == (
        ("held-files", "a held file cannot be deleted", "https://example.invalid/a"),
    )
    assert "assumptions" not in parts(cell("linux", "3.11"))


def test_warnings_raised_at_one_place_name_it_once_and_keep_each_message() -> None:
    c = cell("linux", "3.11")
    where = "/env/lib/python3.11/site-packages/werkzeug/datastructures/file_storage.py:40"
    messages = [f"unclosed file <_io.FileIO name={fd} mode='rb+'>" for fd in (3, 4, 3)]
    messages.append("unclosed file <_io.FileIO name=9 mode='rb+'>")
    wheres = [where] * 3 + [where.replace(":40", ":41")]
    c["evidence"]["runs"][0]["recorded"]["warnings"] = [
        {"category": "ResourceWarning", "message": m, "where": w} for m, w in zip(messages, wheres)
    ]
    first, second = parts(c)["warnings"]
    assert first.where == "werkzeug/datastructures/file_storage.py:40"
    assert first.messages == tuple(messages[:2]) and second.messages == (messages[3],)


def test_the_reason_is_shown_only_when_the_findings_do_not_say_it() -> None:
    c = semaphore_cell()
    assert "reason" not in parts(c)
    c["reason"] = "run 2 of 3: timed out"
    assert parts(c)["reason"] == "run 2 of 3: timed out"


def test_repeats_that_agree_are_one_group() -> None:
    c = semaphore_cell()
    c["evidence"]["runs"] = [c["evidence"]["runs"][0]] * 3
    (group,) = parts(c)["runs"]
    assert group.runs == "1-3" and group.trigger == "GET"


def test_the_command_reruns_exactly_that_cell() -> None:
    c = cell("darwin", "3.12", variant="latest", release="latest")
    c["upstream"]["version"] = "3.1.4"
    assert evidence.command(c) == (
        "nox -s run -p 3.12 -- werkzeug-3039 --variant latest --check werkzeug "
        "--upstream werkzeug==3.1.4"
    )
    c["upstream"]["version"] = None
    assert "--upstream" not in evidence.command(c)


def test_pieces_every_cell_of_a_row_shares_are_taken_out_once() -> None:
    one, two = semaphore_cell(), semaphore_cell()
    two["evidence"]["runs"][0]["leftovers"] = ["tmpxyz"]
    common, own = evidence.shared([one, two])
    assert {p.kind for p in common} == {"expected", "runs", "stderr"}
    assert own[0] == () and [p.kind for p in own[1]] == ["leftovers"]
    alone_common, alone_own = evidence.shared([one])
    assert alone_common == () and alone_own[0] == evidence.of(one)
