"""The exact Finding each probe returns (outcome, summary, data) for representative
observations: it is what the report shows, so a changed word or a dropped key is a change users
see. Observations are built directly (no run); tests/test_probes.py runs the probes for real."""

from __future__ import annotations

import pytest

from harness import probes
from harness.child import COROUTINE_CANARY, TEMP_CANARY, WARNING_CANARY
from harness.probes import CLEAN, ERROR, LEAK, Finding, Observation, base


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
    assert base.PROBES == {"p": base.Registered(probe, {"SWITCH": "off"})}


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
                "leaked_semaphores, never_awaited, open_fds, state_lost, temp_leftovers, "
                "warnings)"
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
