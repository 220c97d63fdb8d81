"""The exact Finding each probe returns (outcome, summary, data) for representative
observations: it is what the report shows, so a changed word or a dropped key is a change users
see. Observations are built directly (no run); tests/run/test_probes.py runs the probes for real."""

from __future__ import annotations

import pytest

from harness.child import (
    CANARY_HOST,
    COROUTINE_CANARY,
    TEMP_CANARY,
    THREAD_CANARY,
    WARNING_CANARY,
)
from harness.run import probes
from harness.run.probes import CLEAN, ERROR, LEAK, Finding, Observation, base


def assess(name: str, params: dict, **observation) -> Finding:
    return probes.assess(name, Observation(**{"evidence": {}, **observation}), params)


# --- base: registry, blinding, validation ---------------------------------------------------


def test_register_keeps_the_function_and_a_copy_of_its_blinding(monkeypatch) -> None:
    monkeypatch.setattr(base, "PROBES", {})

    def probe(observation: Observation) -> Finding:
        return Finding(CLEAN, "")

    blind = {"SWITCH": "off"}
    base.register("p", probe, blind)
    blind["SWITCH"] = "changed afterwards"
    assert {"p": base.Registered(probe, {"SWITCH": "off"})} == base.PROBES


def test_blind_child_names_every_key_for_the_child() -> None:
    assert base.blind_child("gc", "fds") == {"CORPUS_BLIND": "gc,fds"}


TEMP_BLINDED = {"TMPDIR": "{cell}/blind", "TEMP": "{cell}/blind", "TMP": "{cell}/blind"}


@pytest.mark.parametrize(
    "names, env",
    [
        pytest.param([], {}, id="none"),
        pytest.param(["gc_survivors", "open_fds"], {"CORPUS_BLIND": "gc,fds"}, id="child-keys"),
        # the same variable set by two probes is set once, not joined
        pytest.param(
            ["warnings", "leaked_semaphores"],
            {"CORPUS_BLIND": "warnings", "PYTHONWARNINGS": "ignore"},
            id="shared-variable",
        ),
        pytest.param(
            ["temp_leftovers", "state_lost", "callbacks_not_run"],
            {**TEMP_BLINDED, "CORPUS_BLIND": "state,callbacks"},
            id="temp-and-child",
        ),
    ],
)
def test_blinding_merges_the_channels_of_several_probes(names: list, env: dict) -> None:
    assert probes.blinding(names) == env


@pytest.mark.parametrize(
    "name, params, message",
    [
        (
            "nope",
            {},
            (
                "unknown probe 'nope' (known: callbacks_not_run, gc_survivors, growth, "
                "leaked_semaphores, listeners_left, never_awaited, open_fds, state_lost, "
                "temp_leftovers, threads_left, warnings)"
            ),
        ),
        ("gc_survivors", {}, "probe 'gc_survivors': missing a required argument: 'label'"),
        (
            "temp_leftovers",
            {"pattern": "x"},
            "probe 'temp_leftovers': got an unexpected keyword argument 'pattern'",
        ),
    ],
)
def test_validate_says_what_is_wrong(name: str, params: dict, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        probes.validate(name, params)
    assert str(raised.value) == message


def test_validate_accepts_the_parameters_a_probe_takes() -> None:
    probes.validate("growth", {"label": "g", "steps": 5})
    probes.validate("leaked_semaphores", {})


# --- files: temp_leftovers, open_fds --------------------------------------------------------

CANARY_FILE = TEMP_CANARY + "k2x9"


def left(glob: str, count: int, entries: list, others: list, canary: bool = True) -> dict:
    return {"glob": glob, "count": count, "left": entries, "not_matched": others, "canary": canary}


@pytest.mark.parametrize(
    "leftovers, params, expected",
    [
        pytest.param(
            (CANARY_FILE, "synthetic-b", "other", "synthetic-a"),
            {"glob": "synthetic-*"},
            Finding(
                LEAK,
                "2 entries matching 'synthetic-*' left in the temp dir",
                left("synthetic-*", 2, ["synthetic-a", "synthetic-b"], ["other"]),
            ),
            id="leak",
        ),
        pytest.param(
            (CANARY_FILE, "b", "a"),
            {},
            Finding(
                LEAK, "2 entries matching '*' left in the temp dir", left("*", 2, ["a", "b"], [])
            ),
            id="default-glob-matches-everything",
        ),
        pytest.param(
            (CANARY_FILE, "a"),
            {},
            Finding(LEAK, "1 entry matching '*' left in the temp dir", left("*", 1, ["a"], [])),
            id="one-entry",
        ),
        pytest.param(
            (CANARY_FILE, "other"),
            {"glob": "synthetic-*"},
            Finding(
                CLEAN,
                "no entry matching 'synthetic-*' left in the temp dir (canary seen)",
                left("synthetic-*", 0, [], ["other"]),
            ),
            id="clean",
        ),
        pytest.param(
            (CANARY_FILE, "Synthetic-a"),
            {"glob": "synthetic-*"},
            Finding(
                CLEAN,
                "no entry matching 'synthetic-*' left in the temp dir (canary seen)",
                left("synthetic-*", 0, [], ["Synthetic-a"]),
            ),
            id="glob-is-case-sensitive",
        ),
        pytest.param(
            ("synthetic-a",),
            {"glob": "synthetic-*"},
            Finding(
                ERROR,
                "no temp-dir canary: the run's temp dir is not the one inspected (channel dead)",
                left("synthetic-*", 1, ["synthetic-a"], [], canary=False),
            ),
            id="no-canary",
        ),
    ],
)
def test_temp_leftovers_finding(leftovers: tuple, params: dict, expected: Finding) -> None:
    assert assess("temp_leftovers", params, leftovers=leftovers) == expected


def test_temp_leftovers_lists_at_most_50_of_each_but_counts_all() -> None:
    matching = [f"synthetic-{i:02}" for i in range(60)]
    others = [f"other-{i:02}" for i in range(60)]
    finding = assess(
        "temp_leftovers", {"glob": "synthetic-*"}, leftovers=(CANARY_FILE, *others, *matching)
    )
    assert finding.data["count"] == 60
    assert finding.data["left"] == matching[:50]
    assert finding.data["not_matched"] == others[:50]


def fds(**counts) -> dict:
    return {"fds": {"files": counts}}


@pytest.mark.parametrize(
    "evidence, params, expected",
    [
        pytest.param(
            fds(before=5, after=8),
            {},
            Finding(
                LEAK,
                "3 descriptors more after cleanup (files)",
                {"before": 5, "after": 8, "grown": 3, "tolerance": 0},
            ),
            id="leak",
        ),
        pytest.param(
            fds(before=5, after=6),
            {},
            Finding(
                LEAK,
                "1 descriptors more after cleanup (files)",
                {"before": 5, "after": 6, "grown": 1, "tolerance": 0},
            ),
            id="default-tolerance-is-none",
        ),
        pytest.param(
            fds(before=5, after=7),
            {"tolerance": 2},
            Finding(
                CLEAN,
                "descriptors 5 -> 7, within 2 (files)",
                {"before": 5, "after": 7, "grown": 2, "tolerance": 2},
            ),
            id="at-tolerance",
        ),
        pytest.param(
            fds(before=5, after=8),
            {"tolerance": 2},
            Finding(
                LEAK,
                "3 descriptors more after cleanup (files)",
                {"before": 5, "after": 8, "grown": 3, "tolerance": 2},
            ),
            id="over-tolerance",
        ),
        pytest.param(
            fds(before=8, after=5),
            {},
            Finding(
                CLEAN,
                "descriptors 8 -> 5, within 0 (files)",
                {"before": 8, "after": 5, "grown": -3, "tolerance": 0},
            ),
            id="fewer-after",
        ),
        pytest.param(
            {},
            {},
            Finding(
                ERROR, "no fds evidence labelled 'files': the reproducer never called child.fds()"
            ),
            id="no-record",
        ),
        pytest.param(
            {"fds": {"sockets": {"before": 1, "after": 1}}},
            {},
            Finding(
                ERROR, "no fds evidence labelled 'files': the reproducer never called child.fds()"
            ),
            id="other-label",
        ),
        pytest.param(
            fds(before=5),
            {},
            Finding(
                ERROR, "fds evidence 'files' lacks whole 'before'/'after' counts", {"before": 5}
            ),
            id="no-after",
        ),
        pytest.param(
            fds(before="five", after=6),
            {},
            Finding(
                ERROR,
                "fds evidence 'files' lacks whole 'before'/'after' counts",
                {"before": "five", "after": 6},
            ),
            id="not-a-number",
        ),
        pytest.param(
            fds(before=None, after=6),
            {},
            Finding(
                ERROR,
                "fds evidence 'files' lacks whole 'before'/'after' counts",
                {"before": None, "after": 6},
            ),
            id="none",
        ),
    ],
)
def test_open_fds_finding(evidence: dict, params: dict, expected: Finding) -> None:
    assert assess("open_fds", {"label": "files", **params}, evidence=evidence) == expected


# --- messages: warnings, never_awaited ------------------------------------------------------

CANARY_WARNING = {"category": "ResourceWarning", "message": WARNING_CANARY}
UNCLOSED_FILE = {"category": "ResourceWarning", "message": "unclosed file <_io.BufferedReader>"}
UNCLOSED_SOCKET = {"category": "ResourceWarning", "message": "unclosed <socket.socket fd=7>"}
DEPRECATED = {"category": "DeprecationWarning", "message": "unclosed file is deprecated"}


def warned(category: str, match: str, seen: list, canary: bool = True) -> dict:
    return {
        "category": category,
        "match": match,
        "count": len(seen),
        "seen": seen,
        "canary": canary,
    }


@pytest.mark.parametrize(
    "recorded, params, expected",
    [
        pytest.param(
            [UNCLOSED_SOCKET, DEPRECATED, UNCLOSED_FILE, CANARY_WARNING],
            {"match": "unclosed file"},
            Finding(
                LEAK,
                "1 ResourceWarning matching 'unclosed file'",
                warned("ResourceWarning", "unclosed file", [UNCLOSED_FILE]),
            ),
            id="leak",
        ),
        pytest.param(
            [UNCLOSED_SOCKET, DEPRECATED, UNCLOSED_FILE, CANARY_WARNING],
            {},
            Finding(
                LEAK,
                "2 ResourceWarning matching ''",
                warned("ResourceWarning", "", [UNCLOSED_SOCKET, UNCLOSED_FILE]),
            ),
            id="defaults-every-resource-warning",
        ),
        pytest.param(
            [UNCLOSED_FILE, DEPRECATED, CANARY_WARNING],
            {"category": "DeprecationWarning", "match": "unclosed"},
            Finding(
                LEAK,
                "1 DeprecationWarning matching 'unclosed'",
                warned("DeprecationWarning", "unclosed", [DEPRECATED]),
            ),
            id="other-category",
        ),
        pytest.param(
            [CANARY_WARNING, {"category": "ResourceWarning"}],
            {"match": "^$"},
            Finding(
                LEAK,
                "1 ResourceWarning matching '^$'",
                warned("ResourceWarning", "^$", [{"category": "ResourceWarning"}]),
            ),
            id="no-message-reads-as-empty-text",
        ),
        pytest.param(
            [UNCLOSED_SOCKET, CANARY_WARNING],
            {"match": "unclosed file"},
            Finding(
                CLEAN,
                "no ResourceWarning matching 'unclosed file' (canary seen)",
                warned("ResourceWarning", "unclosed file", []),
            ),
            id="clean",
        ),
        pytest.param(
            [CANARY_WARNING, "not a record"],
            {},
            Finding(
                CLEAN,
                "no ResourceWarning matching '' (canary seen)",
                warned("ResourceWarning", "", []),
            ),
            id="canary-not-counted",
        ),
        pytest.param(
            [UNCLOSED_FILE],
            {"match": "unclosed file"},
            Finding(
                ERROR,
                "no canary warning: the warning capture was not live",
                warned("ResourceWarning", "unclosed file", [UNCLOSED_FILE], canary=False),
            ),
            id="no-canary",
        ),
        pytest.param(
            None,
            {},
            Finding(
                ERROR,
                "no canary warning: the warning capture was not live",
                warned("ResourceWarning", "", [], canary=False),
            ),
            id="no-capture",
        ),
    ],
)
def test_warnings_finding(recorded: list | None, params: dict, expected: Finding) -> None:
    evidence = {} if recorded is None else {"warnings": recorded}
    assert assess("warnings", params, evidence=evidence) == expected


def test_warnings_shows_at_most_20_but_counts_all() -> None:
    hits = [{"category": "ResourceWarning", "message": f"unclosed file {i}"} for i in range(25)]
    finding = assess("warnings", {}, evidence={"warnings": [*hits, CANARY_WARNING]})
    assert (finding.data["count"], finding.data["seen"]) == (25, hits[:20])


def dropped(name: str) -> str:
    return f"coroutine '{name}' was never awaited"


CANARY_LINE = dropped(COROUTINE_CANARY)
BACKUP = r"PersistentDict\.backup"


def awaited(name: str, count: int, matched: list, others: list, canary: bool = True) -> dict:
    return {
        "name": name,
        "count": count,
        "matched": matched,
        "other_never_awaited": others,
        "canary": canary,
    }


@pytest.mark.parametrize(
    "stderr, recorded, name, expected",
    [
        pytest.param(
            [dropped("PersistentDict.backup"), dropped("Outbox.loop"), CANARY_LINE]
            + [dropped("PersistentDict.backup")],
            [],
            BACKUP,
            Finding(
                LEAK,
                "coroutine 'PersistentDict.backup' never awaited (2x)",
                awaited(BACKUP, 2, ["PersistentDict.backup"], ["Outbox.loop"]),
            ),
            id="leak",
        ),
        pytest.param(
            [dropped("B.backup"), dropped("A.backup"), dropped("B.backup"), CANARY_LINE],
            [],
            "backup",
            Finding(
                LEAK,
                "coroutine 'A.backup' never awaited (1x), coroutine 'B.backup' never awaited (2x)",
                awaited("backup", 3, ["A.backup", "B.backup"], []),
            ),
            id="each-name-with-its-count",
        ),
        pytest.param(
            [],
            [
                {"category": "RuntimeWarning", "message": dropped("PersistentDict.backup")},
                {"category": "RuntimeWarning", "message": CANARY_LINE},
            ],
            BACKUP,
            Finding(
                LEAK,
                "coroutine 'PersistentDict.backup' never awaited (1x)",
                awaited(BACKUP, 1, ["PersistentDict.backup"], []),
            ),
            id="from-the-capture",
        ),
        pytest.param(
            [dropped("Outbox.loop"), CANARY_LINE],
            [],
            BACKUP,
            Finding(
                CLEAN,
                "no never-awaited coroutine matching 'PersistentDict\\\\.backup' (canary seen)",
                awaited(BACKUP, 0, [], ["Outbox.loop"]),
            ),
            id="clean",
        ),
        pytest.param(
            [dropped(f"capture_warnings.<locals>.{COROUTINE_CANARY}")],
            [],
            ".*",
            Finding(
                CLEAN,
                "no never-awaited coroutine matching '.*' (canary seen)",
                awaited(".*", 0, [], []),
            ),
            id="canary-known-by-its-last-name",
        ),
        pytest.param(
            [dropped("PersistentDict.backup")],
            [],
            BACKUP,
            Finding(
                ERROR,
                "no canary coroutine reported: the never-awaited channel was not live",
                awaited(BACKUP, 1, ["PersistentDict.backup"], [], canary=False),
            ),
            id="no-canary",
        ),
    ],
)
def test_never_awaited_finding(stderr: list, recorded: list, name: str, expected: Finding) -> None:
    finding = assess(
        "never_awaited",
        {"name": name},
        evidence={"warnings": recorded},
        stderr="\n".join(stderr),
    )
    assert finding == expected


# --- objects: gc_survivors, growth, callbacks_not_run, state_lost ---------------------------


@pytest.mark.parametrize(
    "record, params, expected",
    [
        pytest.param(
            {"tracked": 10, "survived": 3},
            {},
            Finding(
                LEAK,
                "3 of 10 dropped objects survived (owners)",
                {"tracked": 10, "survived": 3, "at_least": 1},
            ),
            id="leak",
        ),
        pytest.param(
            {"tracked": 10, "survived": 1},
            {},
            Finding(
                LEAK,
                "1 of 10 dropped objects survived (owners)",
                {"tracked": 10, "survived": 1, "at_least": 1},
            ),
            id="default-one-survivor-is-a-leak",
        ),
        pytest.param(
            {"tracked": 10, "survived": 5},
            {"at_least": 5},
            Finding(
                LEAK,
                "5 of 10 dropped objects survived (owners)",
                {"tracked": 10, "survived": 5, "at_least": 5},
            ),
            id="at-at-least",
        ),
        pytest.param(
            {"tracked": 10, "survived": 4},
            {"at_least": 5},
            Finding(
                CLEAN,
                "4 of 10 dropped objects survived, fewer than the 5 that count as a leak (owners)",
                {"tracked": 10, "survived": 4, "at_least": 5},
            ),
            id="under-at-least",
        ),
        pytest.param(
            {"tracked": 10, "survived": 0},
            {},
            Finding(
                CLEAN,
                "all 10 dropped objects were collected (owners)",
                {"tracked": 10, "survived": 0, "at_least": 1},
            ),
            id="clean",
        ),
        pytest.param(
            {"tracked": 10},
            {},
            Finding(
                CLEAN,
                "all 10 dropped objects were collected (owners)",
                {"tracked": 10, "at_least": 1},
            ),
            id="no-survivor-count",
        ),
        pytest.param(
            {"tracked": 0, "survived": 0},
            {},
            Finding(
                ERROR,
                "no object was tracked (owners): nothing was dropped",
                {"tracked": 0, "survived": 0, "at_least": 1},
            ),
            id="nothing-tracked",
        ),
        pytest.param(
            {"survived": 2},
            {},
            Finding(
                ERROR,
                "no object was tracked (owners): nothing was dropped",
                {"survived": 2, "at_least": 1},
            ),
            id="no-tracked-count",
        ),
        pytest.param(
            None,
            {},
            Finding(
                ERROR,
                "no gc evidence labelled 'owners': the reproducer never called "
                "child.Survivors().collect()",
            ),
            id="no-record",
        ),
    ],
)
def test_gc_survivors_finding(record: dict | None, params: dict, expected: Finding) -> None:
    evidence = {} if record is None else {"gc": {"owners": record}}
    assert assess("gc_survivors", {"label": "owners", **params}, evidence=evidence) == expected


def grew(points: list, steps: int = 3, per_trigger: list | None = None) -> dict:
    data: dict = {"points": points, "steps": steps}
    if per_trigger is not None:
        data["per_trigger"] = per_trigger
    return data


RISING = [[10, 10], [20, 20], [30, 40], [40, 70]]


@pytest.mark.parametrize(
    "points, params, expected",
    [
        pytest.param(
            RISING,
            {},
            Finding(
                LEAK,
                "g: retention grew at every step (3 steps, 3.00 per trigger at the last)",
                grew(RISING, per_trigger=[1.0, 2.0, 3.0]),
            ),
            id="leak",
        ),
        pytest.param(
            [RISING[2], RISING[0], RISING[3], RISING[1]],
            {},
            Finding(
                LEAK,
                "g: retention grew at every step (3 steps, 3.00 per trigger at the last)",
                grew(RISING, per_trigger=[1.0, 2.0, 3.0]),
            ),
            id="points-in-any-order",
        ),
        pytest.param(
            [["0", "0"], ["3", "1"], ["6", "2"], ["9", "4"]],
            {},
            Finding(
                LEAK,
                "g: retention grew at every step (3 steps, 0.67 per trigger at the last)",
                grew([[0, 0], [3, 1], [6, 2], [9, 4]], per_trigger=[0.333, 0.333, 0.667]),
            ),
            id="fractions-rounded",
        ),
        pytest.param(
            [[10, 10], [20, 20], [30, 30]],
            {"steps": 2},
            Finding(
                LEAK,
                "g: retention grew at every step (2 steps, 1.00 per trigger at the last)",
                grew([[10, 10], [20, 20], [30, 30]], steps=2, per_trigger=[1.0, 1.0]),
            ),
            id="fewer-steps",
        ),
        pytest.param(
            [*RISING, [50, 110]],
            {},
            Finding(
                LEAK,
                "g: retention grew at every step (4 steps, 4.00 per trigger at the last)",
                grew([*RISING, [50, 110]], per_trigger=[1.0, 2.0, 3.0, 4.0]),
            ),
            id="every-step-measured-is-judged",
        ),
        pytest.param(
            [[10, 0], [20, 5], [30, 5], [40, 15]],
            {},
            Finding(
                CLEAN,
                "g: retention did not grow at 1 of 3 steps (0 -> 15)",
                grew([[10, 0], [20, 5], [30, 5], [40, 15]], per_trigger=[0.5, 0.0, 1.0]),
            ),
            id="one-flat-step",
        ),
        pytest.param(
            [[10, 20], [20, 40], [30, 40], [40, 40]],
            {},
            Finding(
                CLEAN,
                "g: retention did not grow at 2 of 3 steps (20 -> 40)",
                grew([[10, 20], [20, 40], [30, 40], [40, 40]], per_trigger=[2.0, 0.0, 0.0]),
            ),
            id="bounded",
        ),
        pytest.param(
            [[10, 50], [20, 40], [30, 45], [40, 60]],
            {},
            Finding(
                CLEAN,
                "g: retention did not grow at 1 of 3 steps (50 -> 60)",
                grew([[10, 50], [20, 40], [30, 45], [40, 60]], per_trigger=[-1.0, 0.5, 1.5]),
            ),
            id="fell-once",
        ),
        pytest.param(
            RISING[:3],
            {},
            Finding(
                ERROR,
                "growth 'g': 3 measurements; 4 at distinct trigger counts are needed to judge "
                "3 steps",
                grew(RISING[:3]),
            ),
            id="too-few",
        ),
        pytest.param(
            RISING,
            {"steps": 5},
            Finding(
                ERROR,
                "growth 'g': 4 measurements; 6 at distinct trigger counts are needed to judge "
                "5 steps",
                grew(RISING, steps=5),
            ),
            id="too-few-for-steps",
        ),
        pytest.param(
            None,
            {},
            Finding(
                ERROR,
                "growth 'g': 0 measurements; 4 at distinct trigger counts are needed to judge "
                "3 steps",
                grew([]),
            ),
            id="no-points",
        ),
        pytest.param(
            [[10, 10], [10, 20], [30, 30], [40, 40], [50, 50]],
            {},
            Finding(
                ERROR,
                "growth 'g': trigger counts [10, 10, 30, 40, 50] repeat; 4 distinct ones are "
                "needed to judge 3 steps",
                grew([[10, 10], [10, 20], [30, 30], [40, 40], [50, 50]]),
            ),
            id="repeated-trigger-count",
        ),
        pytest.param(
            [[10, 10]],
            {"steps": 0},
            Finding(ERROR, "growth 'g': steps=0; at least 1 is needed", grew([[10, 10]], steps=0)),
            id="no-steps",
        ),
        pytest.param(
            [[10, 10], [20, 30]],
            {"steps": 1},
            Finding(
                LEAK,
                "g: retention grew at every step (1 step, 2.00 per trigger at the last)",
                grew([[10, 10], [20, 30]], steps=1, per_trigger=[2.0]),
            ),
            id="one-step",
        ),
    ],
)
def test_growth_finding(points: list | None, params: dict, expected: Finding) -> None:
    record = {} if points is None else {"points": points}
    assert (
        assess("growth", {"label": "g", **params}, evidence={"growth": {"g": record}}) == expected
    )


def test_growth_without_its_record_is_an_error() -> None:
    assert assess("growth", {"label": "g"}) == Finding(
        ERROR, "no growth evidence labelled 'g': the reproducer never called child.growth()"
    )


@pytest.mark.parametrize(
    "record, expected",
    [
        pytest.param(
            {"expected": 3, "ran": 1},
            Finding(LEAK, "2 of 3 callbacks never ran (close)", {"expected": 3, "ran": 1}),
            id="leak",
        ),
        pytest.param(
            {"expected": 3},
            Finding(LEAK, "3 of 3 callbacks never ran (close)", {"expected": 3}),
            id="none-ran",
        ),
        pytest.param(
            {"expected": 3, "ran": 3},
            Finding(CLEAN, "all 3 callbacks ran (close)", {"expected": 3, "ran": 3}),
            id="clean",
        ),
        pytest.param(
            {"expected": 0, "ran": 0},
            Finding(ERROR, "no callback was registered (close)", {"expected": 0, "ran": 0}),
            id="none-registered",
        ),
        pytest.param(
            {"ran": 2},
            Finding(ERROR, "no callback was registered (close)", {"ran": 2}),
            id="no-expected-count",
        ),
        pytest.param(
            None,
            Finding(
                ERROR,
                "no callbacks evidence labelled 'close': the reproducer never called "
                "child.callbacks()",
            ),
            id="no-record",
        ),
    ],
)
def test_callbacks_not_run_finding(record: dict | None, expected: Finding) -> None:
    evidence = {} if record is None else {"callbacks": {"close": record}}
    assert assess("callbacks_not_run", {"label": "close"}, evidence=evidence) == expected


@pytest.mark.parametrize(
    "record, expected",
    [
        pytest.param(
            {"expected": {"answer": 42}, "actual": None},
            Finding(
                LEAK,
                "disk: kept None, expected {'answer': 42}",
                {"expected": {"answer": 42}, "actual": None},
            ),
            id="leak",
        ),
        pytest.param(
            {"expected": [1, 2], "actual": [1]},
            Finding(LEAK, "disk: kept [1], expected [1, 2]", {"expected": [1, 2], "actual": [1]}),
            id="partly-kept",
        ),
        pytest.param(
            {"expected": {"answer": 42}, "actual": {"answer": 42}},
            Finding(
                CLEAN,
                "disk: everything kept",
                {"expected": {"answer": 42}, "actual": {"answer": 42}},
            ),
            id="clean",
        ),
        pytest.param(
            None,
            Finding(
                ERROR,
                "no state evidence labelled 'disk': the reproducer never called child.state()",
            ),
            id="no-record",
        ),
    ],
)
def test_state_lost_finding(record: dict | None, expected: Finding) -> None:
    evidence = {} if record is None else {"state": {"disk": record}}
    assert assess("state_lost", {"label": "disk"}, evidence=evidence) == expected


# --- semaphores: leaked_semaphores ----------------------------------------------------------


def tracker(count: int, kind: str = "semaphore") -> str:
    return (
        f"resource_tracker: There appear to be {count} leaked {kind} objects to clean up at "
        "shutdown"
    )


CANARY_REPORT = tracker(1, "shared_memory")
NO_CANARY = (
    "no tracker canary on stderr: the resource tracker did not run or its output did not "
    "reach the harness"
)


@pytest.mark.parametrize(
    "stderr, expected",
    [
        pytest.param(
            [tracker(3), CANARY_REPORT],
            Finding(
                LEAK,
                "the resource tracker reported 3 leaked semaphores",
                {"count": 3, "canary": 1, "lines": [tracker(3), CANARY_REPORT]},
            ),
            id="leak",
        ),
        pytest.param(
            ["  UserWarning: " + tracker(2), "noise", tracker(4), CANARY_REPORT],
            Finding(
                LEAK,
                "the resource tracker reported 6 leaked semaphores",
                {
                    "count": 6,
                    "canary": 1,
                    "lines": ["UserWarning: " + tracker(2), tracker(4), CANARY_REPORT],
                },
            ),
            id="reports-summed",
        ),
        pytest.param(
            [tracker(2, "folder"), CANARY_REPORT],
            Finding(
                CLEAN,
                "the resource tracker reported no leaked semaphores (its canary seen)",
                {"count": 0, "canary": 1, "lines": [tracker(2, "folder"), CANARY_REPORT]},
            ),
            id="other-kinds-not-counted",
        ),
        pytest.param(
            [CANARY_REPORT],
            Finding(
                CLEAN,
                "the resource tracker reported no leaked semaphores (its canary seen)",
                {"count": 0, "canary": 1, "lines": [CANARY_REPORT]},
            ),
            id="clean",
        ),
        pytest.param(
            [tracker(3)],
            Finding(ERROR, NO_CANARY, {"count": 3, "canary": 0, "lines": [tracker(3)]}),
            id="no-canary",
        ),
        pytest.param(
            [], Finding(ERROR, NO_CANARY, {"count": 0, "canary": 0, "lines": []}), id="silent"
        ),
    ],
)
def test_leaked_semaphores_finding(stderr: list, expected: Finding) -> None:
    assert assess("leaked_semaphores", {}, stderr="\n".join(stderr)) == expected


def test_leaked_semaphores_shows_at_most_10_lines_but_counts_all() -> None:
    reports = [tracker(1)] * 12 + [CANARY_REPORT]
    finding = assess("leaked_semaphores", {}, stderr="\n".join(reports))
    assert (finding.data["count"], finding.data["lines"]) == (12, [tracker(1)] * 10)


# --- threads: threads_left ------------------------------------------------------------------

MAIN = {"name": "MainThread", "ident": 1, "daemon": False}
CANARY_THREAD = {"name": THREAD_CANARY, "ident": 99, "daemon": True}


def thread(name: str, ident: int) -> dict:
    return {"name": name, "ident": ident, "daemon": True}


def threads_seen(before: list, after: list) -> dict:
    return {"threads": {"worker": {"before": before, "after": after}}}


def threads_data(
    left: list, ignored: tuple = (), ignore: str = "", tolerance: int = 0, canary: bool = True
) -> dict:
    return {
        "count": len(left),
        "left": left,
        "ignored": list(ignored),
        "ignore": ignore,
        "tolerance": tolerance,
        "canary": canary,
    }


NO_CANARY_THREAD = (
    "no canary thread after the cleanup (worker): the snapshot was not taken live in this run "
    "(channel dead)"
)
NO_THREAD_LISTS = (
    "threads evidence 'worker' lacks 'before'/'after' lists of threads with a name and an ident"
)


def clean_threads(count: int, tolerance: int = 0) -> str:
    threads = "1 thread" if count == 1 else f"{count} threads"
    return f"{threads} left after cleanup, within {tolerance} (worker; canary seen)"


@pytest.mark.parametrize(
    "evidence, params, expected",
    [
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("b", 2), thread("a", 3), CANARY_THREAD]),
            {},
            Finding(
                LEAK,
                "2 threads left running after cleanup (worker): a, b",
                threads_data(["a", "b"]),
            ),
            id="leak",
        ),
        pytest.param(
            threads_seen([MAIN], [CANARY_THREAD, MAIN, thread("a", 3)]),
            {},
            Finding(LEAK, "1 thread left running after cleanup (worker): a", threads_data(["a"])),
            id="one-thread",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("w", 2), thread("w", 3), CANARY_THREAD]),
            {},
            Finding(
                LEAK, "2 threads left running after cleanup (worker): w", threads_data(["w", "w"])
            ),
            id="same-name-counted-twice-named-once",
        ),
        pytest.param(
            threads_seen([MAIN, thread("w", 2)], [MAIN, thread("w", 3), CANARY_THREAD]),
            {},
            Finding(LEAK, "1 thread left running after cleanup (worker): w", threads_data(["w"])),
            id="same-name-other-ident-is-new",
        ),
        pytest.param(
            threads_seen([MAIN, thread("w", 2)], [MAIN, thread("v", 2), CANARY_THREAD]),
            {},
            Finding(LEAK, "1 thread left running after cleanup (worker): v", threads_data(["v"])),
            id="same-ident-other-name-is-new",
        ),
        pytest.param(
            threads_seen([MAIN, thread("pool", 2)], [MAIN, thread("pool", 2), CANARY_THREAD]),
            {},
            Finding(CLEAN, clean_threads(0), threads_data([])),
            id="clean",
        ),
        pytest.param(
            threads_seen([MAIN, thread("old", 2)], [MAIN, CANARY_THREAD]),
            {},
            Finding(CLEAN, clean_threads(0), threads_data([])),
            id="fewer-after",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("a", 2), thread("b", 3), CANARY_THREAD]),
            {"tolerance": 2},
            Finding(CLEAN, clean_threads(2, 2), threads_data(["a", "b"], tolerance=2)),
            id="at-tolerance",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("a", 2), CANARY_THREAD]),
            {"tolerance": 2},
            Finding(CLEAN, clean_threads(1, 2), threads_data(["a"], tolerance=2)),
            id="one-within-tolerance",
        ),
        pytest.param(
            threads_seen(
                [MAIN], [MAIN, thread("c", 4), thread("a", 2), thread("b", 3), CANARY_THREAD]
            ),
            {"tolerance": 2},
            Finding(
                LEAK,
                "3 threads left running after cleanup (worker): a, b, c",
                threads_data(["a", "b", "c"], tolerance=2),
            ),
            id="over-tolerance",
        ),
        pytest.param(
            threads_seen(
                [MAIN],
                [MAIN, thread("asyncio_1", 2), thread("w", 3), thread("asyncio_0", 4)]
                + [CANARY_THREAD],
            ),
            {"ignore": "asyncio_*"},
            Finding(
                LEAK,
                "1 thread left running after cleanup (worker): w",
                threads_data(["w"], ignored=("asyncio_0", "asyncio_1"), ignore="asyncio_*"),
            ),
            id="ignored-names-left-out",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("asyncio_0", 2), CANARY_THREAD]),
            {"ignore": "asyncio_*"},
            Finding(
                CLEAN,
                clean_threads(0),
                threads_data([], ignored=("asyncio_0",), ignore="asyncio_*"),
            ),
            id="only-ignored-left",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("asyncio_0", 2), CANARY_THREAD]),
            {"ignore": "Asyncio_*"},
            Finding(
                LEAK,
                "1 thread left running after cleanup (worker): asyncio_0",
                threads_data(["asyncio_0"], ignore="Asyncio_*"),
            ),
            id="ignore-is-case-sensitive",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("", 2), CANARY_THREAD]),
            {},
            Finding(LEAK, "1 thread left running after cleanup (worker): ", threads_data([""])),
            id="no-ignore-ignores-nothing",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("a", 2), {**CANARY_THREAD, "ident": 5}]),
            {},
            Finding(LEAK, "1 thread left running after cleanup (worker): a", threads_data(["a"])),
            id="canary-known-by-its-name",
        ),
        pytest.param(
            threads_seen([MAIN], [MAIN, thread("a", 2)]),
            {},
            Finding(ERROR, NO_CANARY_THREAD, threads_data(["a"], canary=False)),
            id="no-canary",
        ),
        pytest.param(
            threads_seen([], []),
            {},
            Finding(ERROR, NO_CANARY_THREAD, threads_data([], canary=False)),
            id="nothing-seen",
        ),
        pytest.param(
            threads_seen([MAIN, CANARY_THREAD], [MAIN]),
            {},
            Finding(ERROR, NO_CANARY_THREAD, threads_data([], canary=False)),
            id="canary-only-before",
        ),
        pytest.param(
            {},
            {},
            Finding(
                ERROR,
                "no threads evidence labelled 'worker': the reproducer never called "
                "child.threads_left()",
            ),
            id="no-record",
        ),
        pytest.param(
            {"threads": {"server": {"before": [], "after": [CANARY_THREAD]}}},
            {},
            Finding(
                ERROR,
                "no threads evidence labelled 'worker': the reproducer never called "
                "child.threads_left()",
            ),
            id="other-label",
        ),
    ],
)
def test_threads_left_finding(evidence: dict, params: dict, expected: Finding) -> None:
    assert assess("threads_left", {"label": "worker", **params}, evidence=evidence) == expected


@pytest.mark.parametrize(
    "record",
    [
        pytest.param({"after": [MAIN, CANARY_THREAD]}, id="no-before"),
        pytest.param({"before": [MAIN]}, id="no-after"),
        pytest.param({"before": [MAIN], "after": "MainThread"}, id="after-not-a-list"),
        pytest.param({"before": ["MainThread"], "after": [CANARY_THREAD]}, id="not-an-entry"),
        pytest.param(
            {"before": [MAIN], "after": [{"name": THREAD_CANARY}]}, id="entry-without-ident"
        ),
        pytest.param(
            {"before": [MAIN], "after": [CANARY_THREAD, {"name": ["w"], "ident": 2}]},
            id="name-not-text",
        ),
        pytest.param(
            {"before": [{"name": "w", "ident": 2.0}], "after": [CANARY_THREAD]},
            id="ident-not-whole",
        ),
    ],
)
def test_threads_left_without_two_lists_of_threads_is_an_error(record: dict) -> None:
    finding = assess("threads_left", {"label": "worker"}, evidence={"threads": {"worker": record}})
    assert finding == Finding(ERROR, NO_THREAD_LISTS, record)


def test_threads_left_lists_at_most_50_of_each_but_counts_all() -> None:
    new = [thread(f"w-{i:02}", i) for i in range(60)]
    ignored = [thread(f"asyncio_{i:02}", 100 + i) for i in range(60)]
    evidence = threads_seen([MAIN], [MAIN, *new, *ignored, CANARY_THREAD])
    finding = assess("threads_left", {"label": "worker", "ignore": "asyncio_*"}, evidence=evidence)
    assert finding.data["count"] == 60
    assert finding.data["left"] == [t["name"] for t in new[:50]]
    assert finding.data["ignored"] == [t["name"] for t in ignored[:50]]


# --- listeners: listeners_left --------------------------------------------------------------

CANARY_PORT = 41234


def listener(
    port: int, kind: str = "tcp", address: str = "127.0.0.1", family: str = "AF_INET"
) -> dict:
    return {"family": family, "type": kind, "address": address, "port": port}


CANARY_LISTENER = listener(CANARY_PORT, address=CANARY_HOST)


def listening(before: list, after: list, canary: object = CANARY_PORT) -> dict:
    return {"listeners": {"server": {"before": before, "after": after, "canary": canary}}}


def listeners_data(left: list, canary: bool = True) -> dict:
    return {"count": len(left), "left": left, "canary": canary}


CLEAN_LISTENERS = "no listening socket left open after cleanup (server; canary seen)"
NO_CANARY_LISTENER = (
    "no canary listener after the cleanup (server): the snapshot was not taken live in this run "
    "(channel dead)"
)
NO_LISTENER_LISTS = (
    "listeners evidence 'server' lacks 'before'/'after' lists of sockets with a family, type, "
    "address and port"
)
UDP6 = listener(5353, "udp", "::", "AF_INET6")


@pytest.mark.parametrize(
    "evidence, expected",
    [
        pytest.param(
            listening([], [UDP6, listener(8000), CANARY_LISTENER]),
            Finding(
                LEAK,
                "2 listening sockets left open after cleanup (server): tcp 127.0.0.1 port 8000, "
                "udp :: port 5353",
                listeners_data(["tcp 127.0.0.1 port 8000", "udp :: port 5353"]),
            ),
            id="leak",
        ),
        pytest.param(
            listening([UDP6], [UDP6, CANARY_LISTENER, listener(8000)]),
            Finding(
                LEAK,
                "1 listening socket left open after cleanup (server): tcp 127.0.0.1 port 8000",
                listeners_data(["tcp 127.0.0.1 port 8000"]),
            ),
            id="one-socket",
        ),
        pytest.param(
            listening([listener(8000)], [listener(8000), listener(8000), CANARY_LISTENER]),
            Finding(
                LEAK,
                "1 listening socket left open after cleanup (server): tcp 127.0.0.1 port 8000",
                listeners_data(["tcp 127.0.0.1 port 8000"]),
            ),
            id="a-second-socket-on-the-same-port",
        ),
        pytest.param(
            listening([listener(8000)], [listener(8000, "udp"), CANARY_LISTENER]),
            Finding(
                LEAK,
                "1 listening socket left open after cleanup (server): udp 127.0.0.1 port 8000",
                listeners_data(["udp 127.0.0.1 port 8000"]),
            ),
            id="udp-is-not-tcp",
        ),
        pytest.param(
            listening(
                [listener(8000)],
                [listener(8000), listener(8000, family="AF_INET6"), CANARY_LISTENER],
            ),
            Finding(
                LEAK,
                "1 listening socket left open after cleanup (server): tcp 127.0.0.1 port 8000",
                listeners_data(["tcp 127.0.0.1 port 8000"]),
            ),
            id="the-family-tells-them-apart",
        ),
        pytest.param(
            listening([listener(8000)], [listener(8000, address="0.0.0.0"), CANARY_LISTENER]),
            Finding(
                LEAK,
                "1 listening socket left open after cleanup (server): tcp 0.0.0.0 port 8000",
                listeners_data(["tcp 0.0.0.0 port 8000"]),
            ),
            id="the-address-tells-them-apart",
        ),
        pytest.param(
            listening([UDP6], [UDP6, CANARY_LISTENER]),
            Finding(CLEAN, CLEAN_LISTENERS, listeners_data([])),
            id="clean",
        ),
        pytest.param(
            listening([listener(8000)], [CANARY_LISTENER]),
            Finding(CLEAN, CLEAN_LISTENERS, listeners_data([])),
            id="closed-by-the-cleanup",
        ),
        pytest.param(
            listening([], [listener(8000)]),
            Finding(ERROR, NO_CANARY_LISTENER, listeners_data(["tcp 127.0.0.1 port 8000"], False)),
            id="no-canary",
        ),
        pytest.param(
            listening([], [], canary=None),
            Finding(ERROR, NO_CANARY_LISTENER, listeners_data([], False)),
            id="nothing-seen",
        ),
        pytest.param(
            listening([], [CANARY_LISTENER], canary=CANARY_PORT + 1),
            Finding(
                ERROR,
                NO_CANARY_LISTENER,
                listeners_data([f"tcp 127.0.0.1 port {CANARY_PORT}"], False),
            ),
            id="canary-on-another-port",
        ),
        pytest.param(
            listening([], [listener(CANARY_PORT, "udp")]),
            Finding(
                ERROR,
                NO_CANARY_LISTENER,
                listeners_data([f"udp 127.0.0.1 port {CANARY_PORT}"], False),
            ),
            id="canary-must-be-tcp",
        ),
        pytest.param(
            listening([], [listener(CANARY_PORT, address="0.0.0.0")]),
            Finding(
                ERROR,
                NO_CANARY_LISTENER,
                listeners_data([f"tcp 0.0.0.0 port {CANARY_PORT}"], False),
            ),
            id="canary-must-be-on-loopback",
        ),
        pytest.param(
            listening([], [listener(CANARY_PORT, family="AF_INET6")]),
            Finding(
                ERROR,
                NO_CANARY_LISTENER,
                listeners_data([f"tcp 127.0.0.1 port {CANARY_PORT}"], False),
            ),
            id="canary-must-be-ipv4",
        ),
        pytest.param(
            {},
            Finding(
                ERROR,
                "no listeners evidence labelled 'server': the reproducer never called "
                "child.listeners_left()",
            ),
            id="no-record",
        ),
        pytest.param(
            {"listeners": {"client": {"before": [], "after": [CANARY_LISTENER]}}},
            Finding(
                ERROR,
                "no listeners evidence labelled 'server': the reproducer never called "
                "child.listeners_left()",
            ),
            id="other-label",
        ),
    ],
)
def test_listeners_left_finding(evidence: dict, expected: Finding) -> None:
    assert assess("listeners_left", {"label": "server"}, evidence=evidence) == expected


@pytest.mark.parametrize(
    "record",
    [
        pytest.param({"after": [CANARY_LISTENER], "canary": CANARY_PORT}, id="no-before"),
        pytest.param({"before": [], "canary": CANARY_PORT}, id="no-after"),
        pytest.param({"before": {}, "after": [CANARY_LISTENER]}, id="before-not-a-list"),
        pytest.param({"before": [], "after": [CANARY_LISTENER, 8000]}, id="not-an-entry"),
        pytest.param(
            {"before": [], "after": [CANARY_LISTENER, {**listener(8000), "port": None}]},
            id="no-port",
        ),
        pytest.param(
            {"before": [{**listener(8000), "address": ["127.0.0.1"]}], "after": []},
            id="address-not-text",
        ),
        pytest.param(
            {"before": [], "after": [CANARY_LISTENER, {"type": "tcp", "port": 1}]},
            id="entry-without-family-and-address",
        ),
    ],
)
def test_listeners_left_without_two_lists_of_sockets_is_an_error(record: dict) -> None:
    finding = assess(
        "listeners_left", {"label": "server"}, evidence={"listeners": {"server": record}}
    )
    assert finding == Finding(ERROR, NO_LISTENER_LISTS, record)


def test_listeners_left_lists_at_most_50_but_counts_all() -> None:
    ports = range(8000, 8060)
    evidence = listening([], [*map(listener, ports), CANARY_LISTENER])
    finding = assess("listeners_left", {"label": "server"}, evidence=evidence)
    assert finding.data["count"] == 60
    assert finding.data["left"] == [f"tcp 127.0.0.1 port {port}" for port in ports][:50]
