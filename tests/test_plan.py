"""Planning: skips carry their reason; an unknown release is an error, not a skip."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from harness import interpreters, metadata, plan, pypi
from harness.interpreters import Interpreter

from .test_metadata import VALID, write_case


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> metadata.Case:
    releases = {
        "1.0": pypi.Release(Version("1.0"), SpecifierSet(">=3.8"), False),
        "1.1": pypi.Release(Version("1.1"), SpecifierSet(">=3.10"), False),
        "1.2": pypi.Release(Version("1.2"), SpecifierSet(">=3.12"), True),  # yanked
    }
    monkeypatch.setitem(pypi._memory, "demo", releases)
    found = {
        "3.9": Interpreter("3.9", "/py39", "3.9.18"),
        "3.13": Interpreter("3.13", "/py313", "3.13.0"),
    }
    monkeypatch.setattr(interpreters, "find", found.get)
    return metadata.load(write_case(tmp_path, VALID))


def _resolve(case: metadata.Case, variant: str, release: str, python: str) -> plan.Planned:
    return plan.resolve(
        plan.Cell(case, case.checks["main"], case.variants[variant], release, python)
    )


def test_cells_cover_checks_variants_releases_and_pythons(case: metadata.Case) -> None:
    cells = plan.cells([case], ["3.9", "3.13"])
    assert len(cells) == (1 + 2) * 2
    assert {c.release for c in cells} == {"1.0", "1.1", "latest"}


def test_unknown_variant_is_an_error(case: metadata.Case) -> None:
    with pytest.raises(metadata.MetadataError, match="no variant 'patched'"):
        plan.cells([case], ["3.9"], variant="patched")


def test_a_missing_interpreter_is_a_skip_with_the_reason(case: metadata.Case) -> None:
    planned = _resolve(case, "affected", "1.0", "3.14")
    assert planned.skip and "Python 3.14 is not installed" in planned.skip


def test_requires_python_makes_a_skip(case: metadata.Case) -> None:
    planned = _resolve(case, "fixed", "1.1", "3.9")
    assert planned.skip == "demo 1.1 requires Python >=3.10, not 3.9.18"


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
    assert "not applicable on beos" in _resolve(case, "affected", "1.0", "3.13").skip


def test_a_check_that_counts_descriptors_gets_psutil_in_its_environment(
    case: metadata.Case,
) -> None:
    check = dataclasses.replace(
        case.checks["main"], probes=(metadata.ProbeSpec("open_fds", {"label": "files"}),)
    )
    cell = plan.Cell(case, check, case.variants["affected"], "1.0", "3.13")
    assert plan.resolve(cell).requirements == ("demo==1.0", "psutil")
    assert "psutil" not in _resolve(case, "affected", "1.0", "3.13").requirements
