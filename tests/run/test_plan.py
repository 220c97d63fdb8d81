"""Planning: skips carry their reason; an unknown release is an error, not a skip."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from harness.corpus import metadata
from harness.run import interpreters, plan, pypi
from harness.run.interpreters import Interpreter
from harness.run.sources import Source
from tests.corpus.test_metadata import VALID, write_case


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> metadata.Case:
    releases = {
        "1.0": pypi.Release(Version("1.0"), SpecifierSet(">=3.8"), False),
        "1.1": pypi.Release(Version("1.1"), SpecifierSet(">=3.10"), False),
        "1.2": pypi.Release(Version("1.2"), SpecifierSet(">=3.12"), True),  # yanked
    }
    monkeypatch.setitem(pypi._memory, "demo", releases)
    found = {
        "3.7": Interpreter("3.7", "/py37", "3.7.17"),
        "3.9": Interpreter("3.9", "/py39", "3.9.18"),
        "3.13": Interpreter("3.13", "/py313", "3.13.0"),
    }
    monkeypatch.setattr(interpreters, "find", found.get)
    return metadata.load(write_case(tmp_path, VALID))


def _cell(case: metadata.Case, variant: str, release: str, python: str) -> plan.Cell:
    return plan.Cell(case, case.checks["main"], case.variants[variant], release, python)


def _resolve(case: metadata.Case, variant: str, release: str, python: str) -> plan.Planned:
    return plan.resolve(_cell(case, variant, release, python))


def _two_checks(case: metadata.Case) -> metadata.Case:
    """The case with a second check, ``other``, the only one its ``fixed`` variant runs."""
    other = dataclasses.replace(case.checks["main"], name="other")
    fixed = dataclasses.replace(case.variants["fixed"], checks=("other",))
    return dataclasses.replace(
        case,
        checks={"main": case.checks["main"], "other": other},
        variants={"affected": case.variants["affected"], "fixed": fixed},
    )


def _listed(cells: list[plan.Cell]) -> list[tuple[str, str, str, str]]:
    return [(c.check.name, c.variant.name, c.release, c.python) for c in cells]


SOURCE = Source(
    "demo", "demo @ file:///src/demo", "path", "/src/demo", "2.0.dev0", "abc", False, "f"
)


def test_cells_cover_checks_variants_releases_and_pythons(case: metadata.Case) -> None:
    cells = plan.cells([case], ["3.9", "3.13"])
    assert len(cells) == (1 + 2) * 2
    assert {c.release for c in cells} == {"1.0", "1.1", "latest"}


def test_unknown_variant_is_an_error(case: metadata.Case) -> None:
    known = "demo-1 has no variant 'patched' (known: affected, fixed)"
    with pytest.raises(metadata.MetadataError, match=re.escape(known)):
        plan.cells([case], ["3.9"], variant="patched")


def test_unknown_check_is_an_error_naming_the_known_ones(case: metadata.Case) -> None:
    known = "demo-1 has no check 'leak' (known: main, other)"
    with pytest.raises(metadata.MetadataError, match=re.escape(known)):
        plan.cells([_two_checks(case)], ["3.9"], check="leak")


def test_a_variant_runs_only_the_checks_it_names(case: metadata.Case) -> None:
    assert _listed(plan.cells([_two_checks(case)], ["3.9", "3.13"])) == [
        ("main", "affected", "1.0", "3.9"),
        ("main", "affected", "1.0", "3.13"),
        ("other", "affected", "1.0", "3.9"),
        ("other", "affected", "1.0", "3.13"),
        ("other", "fixed", "1.1", "3.9"),
        ("other", "fixed", "1.1", "3.13"),
        ("other", "fixed", "latest", "3.9"),
        ("other", "fixed", "latest", "3.13"),
    ]


def test_a_selected_variant_or_check_keeps_only_its_cells(case: metadata.Case) -> None:
    two = _two_checks(case)
    assert _listed(plan.cells([two], ["3.9"], variant="fixed")) == [
        ("other", "fixed", "1.1", "3.9"),
        ("other", "fixed", "latest", "3.9"),
    ]
    assert _listed(plan.cells([two], ["3.9"], check="other")) == [
        ("other", "affected", "1.0", "3.9"),
        ("other", "fixed", "1.1", "3.9"),
        ("other", "fixed", "latest", "3.9"),
    ]


def test_a_release_given_replaces_every_variants_releases(case: metadata.Case) -> None:
    assert _listed(plan.cells([case], ["3.9"], release="1.2")) == [
        ("main", "affected", "1.2", "3.9"),
        ("main", "fixed", "1.2", "3.9"),
    ]


def test_a_missing_interpreter_is_a_skip_with_the_reason(case: metadata.Case) -> None:
    cell = _cell(case, "affected", "1.0", "3.14")
    assert plan.resolve(cell) == plan.Planned(
        cell,
        skip="Python 3.14 is not installed here (looked on PATH and in pyenv's versions folder)",
    )


def test_requires_python_makes_a_skip_naming_the_release(case: metadata.Case) -> None:
    cell = _cell(case, "fixed", "1.1", "3.9")
    assert plan.resolve(cell) == plan.Planned(
        cell,
        interpreters.find("3.9"),
        "1.1",
        skip="demo 1.1 requires Python >=3.10, not 3.9.18",
    )


def test_latest_with_no_release_for_that_python_is_a_skip(case: metadata.Case) -> None:
    cell = _cell(case, "fixed", "latest", "3.7")
    assert plan.resolve(cell) == plan.Planned(
        cell, interpreters.find("3.7"), skip="no release of demo supports Python 3.7.17"
    )


def test_a_runnable_cell_gets_its_interpreter_release_and_requirements(
    case: metadata.Case,
) -> None:
    cell = _cell(case, "affected", "1.0", "3.13")
    assert plan.resolve(cell) == plan.Planned(
        cell, interpreters.find("3.13"), "1.0", ("demo==1.0",)
    )


def test_pypi_lookups_use_the_cache_folder_given(
    case: metadata.Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = []

    def releases(package: str, cache_dir: Path | None = None) -> dict[str, pypi.Release]:
        folders.append(cache_dir)
        return pypi._memory[package]

    monkeypatch.setattr(pypi, "releases", releases)
    plan.resolve(_cell(case, "affected", "1.0", "3.13"), tmp_path)
    plan.resolve(_cell(case, "fixed", "latest", "3.13"), tmp_path)
    assert folders == [tmp_path, tmp_path]


def test_latest_is_the_newest_unyanked_release_for_that_python(case: metadata.Case) -> None:
    assert _resolve(case, "fixed", "latest", "3.9").upstream == "1.0"
    planned = _resolve(case, "fixed", "latest", "3.13")
    assert planned.upstream == "1.1" and planned.requirements == ("demo==1.1",)


def test_an_unknown_release_is_an_error_naming_it(case: metadata.Case) -> None:
    with pytest.raises(pypi.ReleaseError, match=r"demo has no release '9\.9' on PyPI"):
        _resolve(case, "affected", "9.9", "3.13")


def test_a_platform_the_leak_does_not_exist_on_is_a_skip(
    case: metadata.Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "PLATFORM", "beos")
    cell = _cell(case, "affected", "1.0", "3.13")
    assert plan.resolve(cell, source=SOURCE) == plan.Planned(
        cell,
        skip="not applicable on beos: the leak exists on linux, darwin, win32 only",
        source=SOURCE,
    )


def test_a_check_that_names_its_platforms_is_skipped_elsewhere(
    case: metadata.Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "PLATFORM", "linux")
    check = dataclasses.replace(case.checks["main"], platforms=("darwin", "win32"))
    cell = plan.Cell(case, check, case.variants["affected"], "1.0", "3.13")
    assert plan.resolve(cell).skip == (
        "not applicable on linux: the main check runs on darwin, win32 only"
    )


def test_a_source_replaces_the_release_in_the_requirements(case: metadata.Case) -> None:
    check = dataclasses.replace(
        case.checks["main"],
        requires=("anyio",),
        probes=(metadata.ProbeSpec("open_fds", {"label": "files"}),),
    )
    variant = dataclasses.replace(case.variants["affected"], requires=("uvicorn",))
    cell = plan.Cell(case, check, variant, "1.0", "3.13")
    assert plan.resolve(cell, source=SOURCE) == plan.Planned(
        cell,
        interpreters.find("3.13"),
        "2.0.dev0",
        ("demo @ file:///src/demo", "anyio", "uvicorn", "psutil"),
        source=SOURCE,
    )


def test_a_source_without_its_python_is_a_skip_that_keeps_the_source(
    case: metadata.Case,
) -> None:
    cell = _cell(case, "affected", "1.0", "3.14")
    assert plan.resolve(cell, source=SOURCE) == plan.Planned(
        cell, skip="Python 3.14 is not installed here", source=SOURCE
    )


@pytest.mark.parametrize("probe", ["open_fds", "listeners_left"])
def test_a_check_whose_probe_reads_through_psutil_gets_it_in_its_environment(
    case: metadata.Case, probe: str
) -> None:
    check = dataclasses.replace(
        case.checks["main"], probes=(metadata.ProbeSpec(probe, {"label": "files"}),)
    )
    cell = plan.Cell(case, check, case.variants["affected"], "1.0", "3.13")
    assert plan.resolve(cell).requirements == ("demo==1.0", "psutil")
    assert "psutil" not in _resolve(case, "affected", "1.0", "3.13").requirements


def test_a_release_the_case_says_cannot_run_on_that_python_is_a_skip_with_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: metadata.Case
) -> None:
    unsupported = metadata.Unsupported(
        SpecifierSet("<1.1"), SpecifierSet(">=3.12"), "1.0 calls what 3.12 removed"
    )
    limited = dataclasses.replace(case, unsupported=(unsupported,))
    cell = _cell(limited, "affected", "1.0", "3.13")
    assert plan.resolve(cell) == plan.Planned(
        cell,
        interpreters.find("3.13"),
        "1.0",
        skip="demo 1.0 cannot run the main check on Python 3.13.0: 1.0 calls what 3.12 removed",
    )
    older = _cell(limited, "affected", "1.0", "3.9")
    assert plan.resolve(older).skip is None  # that release on a Python it runs on
