"""From case metadata to cells, and from a cell to what it needs to run (or why it cannot).

A cell is one (case, check, variant, release, Python). Resolving it finds the interpreter,
turns ``latest`` into a release, and checks the platform, the release's Requires-Python and
what the case says the release cannot run on a Python its Requires-Python allows
(``[[unsupported]]``); a cell that cannot run gets a ``skip`` with the reason instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from harness.corpus.metadata import LATEST, Case, Check, MetadataError, Variant
from harness.records import CellKey
from harness.run import interpreters, pypi
from harness.run.interpreters import Interpreter
from harness.run.sources import Source

PLATFORM = "win32" if sys.platform == "win32" else sys.platform.rstrip("0123456789")
PSUTIL_PROBES = {"open_fds", "listeners_left"}


@dataclass(frozen=True)
class Cell:
    case: Case
    check: Check
    variant: Variant
    release: str  # a version, or "latest"
    python: str  # "3.11"

    def fields(self) -> CellKey:
        """The fields of this cell's record that ``results.cell_key`` reads."""
        return {
            "case": self.case.id,
            "check": self.check.name,
            "variant": self.variant.name,
            "release": self.release,
            "os": PLATFORM,
            "python_requested": self.python,
        }

    @property
    def name(self) -> str:
        return (
            f"{self.case.id}/{self.check.name}/{self.variant.name}@{self.release} py{self.python}"
        )


@dataclass(frozen=True)
class Planned:
    cell: Cell
    interpreter: Interpreter | None = None
    upstream: str | None = None
    requirements: tuple[str, ...] = ()
    skip: str | None = None
    source: Source | None = None  # unreleased upstream code instead of a release


def cells(
    cases: list[Case],
    pythons: list[str],
    variant: str | None = None,
    check: str | None = None,
    release: str | None = None,
) -> list[Cell]:
    """Every cell of the cases; ``variant``/``check`` select, ``release`` replaces releases."""
    found: list[Cell] = []
    for case in cases:
        if variant is not None and variant not in case.variants:
            raise MetadataError(
                f"{case.id} has no variant {variant!r} (known: {', '.join(case.variants)})"
            )
        if check is not None and check not in case.checks:
            raise MetadataError(
                f"{case.id} has no check {check!r} (known: {', '.join(case.checks)})"
            )
        for var in case.variants.values():
            if variant is not None and var.name != variant:
                continue
            for chk in case.checks.values():
                if (check is not None and chk.name != check) or (
                    var.checks is not None and chk.name not in var.checks
                ):
                    continue
                for rel in (release,) if release else var.releases:
                    found.extend(Cell(case, chk, var, rel, py) for py in pythons)
    return found


def release_asked(case: Case, upstream: str | None, cache_dir: Path | None = None) -> str | None:
    """The release ``--upstream PKG==VER`` asks for, checked against the case and PyPI (an
    unknown release raises pypi.ReleaseError)."""
    if upstream is None:
        return None
    try:
        requirement = Requirement(upstream)
    except InvalidRequirement:
        raise MetadataError(f"--upstream {upstream!r}: expected PKG==VERSION") from None
    pins = [s.version for s in requirement.specifier if s.operator in ("==", "===")]
    if canonicalize_name(requirement.name) != canonicalize_name(case.package) or len(pins) != 1:
        raise MetadataError(
            f"--upstream {upstream!r}: case {case.id} takes {case.package}==VERSION"
        )
    pypi.release(case.package, pins[0], cache_dir)  # an unknown release fails here, clearly
    return pins[0]


def check_blind(cells: list[Cell], names: Iterable[str]) -> None:
    """Every probe to blind (``--blind``) must be one the cells' checks use."""
    for name in names:
        used = sorted({p.name for c in cells for p in c.check.probes})
        if name not in used:
            raise MetadataError(
                f"--blind {name!r}: the checks run here use the probes {', '.join(used)}"
            )


def _platform_skip(cell: Cell) -> str | None:
    """A check runs where the leak exists, unless it names its own platforms: simulated
    evidence and negative controls run where the leak does not."""
    if cell.check.platforms is not None:
        if PLATFORM not in cell.check.platforms:
            return (
                f"not applicable on {PLATFORM}: the {cell.check.name} check runs on "
                f"{', '.join(cell.check.platforms)} only"
            )
    elif PLATFORM not in cell.case.platforms:
        return (
            f"not applicable on {PLATFORM}: the leak exists on "
            f"{', '.join(cell.case.platforms)} only"
        )
    return None


def _extra(cell: Cell) -> list[str]:
    return ["psutil"] if any(p.name in PSUTIL_PROBES for p in cell.check.probes) else []


def resolve(cell: Cell, cache_dir: Path | None = None, source: Source | None = None) -> Planned:
    """What the cell needs to run, or the reason it is skipped. Raises pypi.ReleaseError for
    a release that does not exist: that is bad input, not a skip. With a ``source``, the
    upstream package comes from it instead of the cell's release."""
    skip = _platform_skip(cell)
    if skip:
        return Planned(cell, skip=skip, source=source)
    package = cell.case.package
    if source is not None:
        interpreter = interpreters.find(cell.python)
        if interpreter is None:
            return Planned(cell, skip=f"Python {cell.python} is not installed here", source=source)
        requirements = (
            source.requirement,
            *cell.check.requires,
            *cell.variant.requires,
            *_extra(cell),
        )
        return Planned(cell, interpreter, source.version, requirements, source=source)
    if cell.release != LATEST:
        release = pypi.release(package, cell.release, cache_dir)  # fails loudly when unknown
    interpreter = interpreters.find(cell.python)
    if interpreter is None:
        return Planned(
            cell,
            skip=f"Python {cell.python} is not installed here "
            f"(looked on PATH and in pyenv's versions folder)",
        )
    if cell.release == LATEST:
        newest = pypi.newest_for(package, interpreter.version, cache_dir)
        if newest is None:
            return Planned(
                cell,
                interpreter,
                skip=f"no release of {package} supports Python {interpreter.version}",
            )
        release = newest
    if not release.supports(interpreter.version):
        return Planned(
            cell,
            interpreter,
            str(release.version),
            skip=f"{package} {release.version} requires Python "
            f"{release.requires_python}, not {interpreter.version}",
        )
    why = cell.case.unsupported_why(cell.check.name, str(release.version), interpreter.version)
    if why is not None:
        return Planned(
            cell,
            interpreter,
            str(release.version),
            skip=f"{package} {release.version} cannot run the {cell.check.name} check on Python "
            f"{interpreter.version}: {why}",
        )
    requirements = (
        f"{package}=={release.version}",
        *cell.check.requires,
        *cell.variant.requires,
        *_extra(cell),
    )
    return Planned(cell, interpreter, str(release.version), requirements)
