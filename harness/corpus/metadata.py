"""Loading and validating ``cases/<id>/case.toml``.

The file is checked against ``schema/case.schema.json`` first (shape and types), then for what
a schema cannot say: files that must exist, probe names and parameters, version specifiers,
and names that must refer to each other. Every problem is a MetadataError naming the file
and the field.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from harness.errors import BadInput
from harness.outcomes import Outcome
from harness.run import probes

if sys.version_info >= (3, 11):
    import tomllib as tomllib  # `as`: re-exported, the harness's one TOML reader
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "cases"
FIXES = ROOT / "fixes"
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schema" / "case.schema.json").read_text()
)
LATEST = "latest"
UNRENDERED_FIGURE = "{cells:"  # figures.py's placeholders; notes and fix are never rendered


class MetadataError(BadInput):
    """A case.toml that is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Check:
    name: str
    reproducer: Path
    args: tuple[str, ...]
    requires: tuple[str, ...]
    probes: tuple[ProbeSpec, ...]
    repeat: int
    timeout: float
    evidence: str
    exit_codes: tuple[int, ...]
    platforms: tuple[str, ...] | None
    env: dict[str, str]
    reaches: tuple[str, ...]  # paths the trigger must record reaching (child.reached)
    assumptions: str | None = None  # simulated evidence: where its assumptions are written


@dataclass(frozen=True)
class Variant:
    name: str
    releases: tuple[str, ...]
    patch: Path | None
    workaround: Path | None
    requires: tuple[str, ...]
    checks: tuple[str, ...] | None
    description: str

    @property
    def plain(self) -> bool:
        """It runs the upstream release as it is: no patch, no workaround."""
        return self.patch is None and self.workaround is None


@dataclass(frozen=True)
class Rule:
    outcome: Outcome  # one of VERDICTS (the case schema allows no other)
    why: str
    variants: tuple[str, ...] | None = None
    checks: tuple[str, ...] | None = None
    upstream: SpecifierSet | None = None
    python: SpecifierSet | None = None
    platforms: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Workaround:
    """What an app can do on an affected release (``fixes/<id>/<file>``) and what it costs."""

    file: Path
    summary: str
    cost: str


@dataclass(frozen=True)
class Unsupported:
    """Releases that cannot run a check on some Pythons, though their Requires-Python allows
    those Pythons (``[[unsupported]]``): the cells are skipped with ``why``."""

    upstream: SpecifierSet
    python: SpecifierSet
    why: str
    checks: tuple[str, ...] | None = None

    def covers(self, check: str, release: str, python: str) -> bool:
        """Whether this holds for ``check`` of ``release`` on ``python`` (a full version)."""
        return (
            (self.checks is None or check in self.checks)
            and self.upstream.contains(release, prereleases=True)
            and self.python.contains(python, prereleases=True)
        )


@dataclass(frozen=True)
class Claim:
    """A claim of the common write-ups of this leak, and the corpus's verdict on it."""

    id: str
    claim: str
    verdict: str
    evidence: str
    cells: tuple[str, ...] = ()  # "check/variant" of this case


@dataclass(frozen=True)
class Case:
    id: str
    path: Path
    title: str
    package: str
    repository: str
    issue: str
    status: str
    fix: str
    leak: str
    platforms: tuple[str, ...]
    notes: str
    checks: dict[str, Check]
    variants: dict[str, Variant]
    expect: tuple[Rule, ...]
    first_fixed: str | None = None
    last_affected: str | None = None
    first_affected: str | None = None
    aliases: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    workaround: Workaround | None = None
    unsupported: tuple[Unsupported, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def unsupported_why(self, check: str, release: str, python: str) -> str | None:
        """Why ``release`` cannot run ``check`` on ``python`` (full version), or None."""
        return next((u.why for u in self.unsupported if u.covers(check, release, python)), None)


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "(top level)"


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path


def _error(path: Path, where: str, message: str) -> MetadataError:
    return MetadataError(f"{_shown(path)}: field {where}: {message}")


def _specifier(path: Path, where: str, text: str | None) -> SpecifierSet | None:
    if text is None:
        return None
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise _error(path, where, f"{text!r} is not a PEP 440 version specifier") from None


def _requirements(path: Path, where: str, texts: list[str]) -> tuple[str, ...]:
    for text in texts:
        try:
            Requirement(text)
        except InvalidRequirement:
            raise _error(path, where, f"{text!r} is not a requirement") from None
    return tuple(texts)


def _file(path: Path, where: str, folder: Path, name: str) -> Path:
    target = folder / name
    if not target.is_file():
        raise _error(path, where, f"{_shown(target)} does not exist")
    return target


def _check(path: Path, name: str, raw: dict[str, Any]) -> Check:
    where = f"checks.{name}"
    specs = []
    for index, entry in enumerate(raw["probes"]):
        params = {k: v for k, v in entry.items() if k != "probe"}
        try:
            probes.validate(entry["probe"], params)
        except ValueError as exc:
            raise _error(path, f"{where}.probes.{index}", str(exc)) from None
        specs.append(ProbeSpec(entry["probe"], params))
    return Check(
        name=name,
        reproducer=_file(path, f"{where}.reproducer", path.parent, raw["reproducer"]),
        args=tuple(raw.get("args", ())),
        requires=_requirements(path, f"{where}.requires", raw.get("requires", [])),
        probes=tuple(specs),
        repeat=raw.get("repeat", 1),
        timeout=float(raw.get("timeout", 120)),
        evidence=raw.get("evidence", "native"),
        exit_codes=tuple(raw.get("exit_codes", (0,))),
        platforms=tuple(raw["platforms"]) if "platforms" in raw else None,
        env=dict(raw.get("env", {})),
        reaches=tuple(raw["reaches"]),
        assumptions=_assumptions(path, where, raw),
    )


def _assumptions(path: Path, where: str, raw: dict[str, Any]) -> str | None:
    """A simulated check names the file (from the repository root) that states what its
    doubles assume about the platform they stand in for."""
    if raw.get("evidence", "native") != "simulated":
        if "assumptions" in raw:
            raise _error(path, f"{where}.assumptions", "only a simulated check has assumptions")
        return None
    if "assumptions" not in raw:
        raise _error(
            path, f"{where}.assumptions", "a simulated check names the file of its assumptions"
        )
    _file(path, f"{where}.assumptions", ROOT, raw["assumptions"])
    return str(raw["assumptions"])


def _variant(
    path: Path, case_id: str, name: str, raw: dict[str, Any], checks: dict[str, Check]
) -> Variant:
    where = f"variants.{name}"
    for release in raw["releases"]:
        if release != LATEST:
            try:
                Version(release)
            except InvalidVersion:
                raise _error(
                    path, f"{where}.releases", f"{release!r} is neither a version nor {LATEST!r}"
                ) from None
    for check in raw.get("checks", ()):
        if check not in checks:
            raise _error(path, f"{where}.checks", f"no check named {check!r}")
    fixes = FIXES / case_id
    return Variant(
        name=name,
        releases=tuple(raw["releases"]),
        patch=_file(path, f"{where}.patch", fixes, raw["patch"]) if "patch" in raw else None,
        workaround=(
            _file(path, f"{where}.workaround", fixes, raw["workaround"])
            if "workaround" in raw
            else None
        ),
        requires=_requirements(path, f"{where}.requires", raw.get("requires", [])),
        checks=tuple(raw["checks"]) if "checks" in raw else None,
        description=raw.get("description", ""),
    )


def _rule(
    path: Path,
    index: int,
    raw: dict[str, Any],
    checks: dict[str, Check],
    variants: dict[str, Variant],
) -> Rule:
    where = f"expect.{index}"
    for name in raw.get("checks", ()):
        if name not in checks:
            raise _error(path, f"{where}.checks", f"no check named {name!r}")
    for name in raw.get("variants", ()):
        if name not in variants:
            raise _error(path, f"{where}.variants", f"no variant named {name!r}")
        if variants[name].plain:
            raise _error(
                path,
                f"{where}.variants",
                f"{name!r} runs the plain release (no patch, no workaround): its rule is chosen "
                f"by release, Python and OS, so name no plain variant and state upstream instead",
            )
    if "variants" not in raw and "upstream" not in raw:
        raise _error(
            path,
            f"{where}.upstream",
            "a rule for the plain release states the releases it holds for "
            '(upstream = "PEP 440 specifier")',
        )
    return Rule(
        outcome=Outcome(raw["outcome"]),
        why=raw["why"],
        variants=tuple(raw["variants"]) if "variants" in raw else None,
        checks=tuple(raw["checks"]) if "checks" in raw else None,
        upstream=_specifier(path, f"{where}.upstream", raw.get("upstream")),
        python=_specifier(path, f"{where}.python", raw.get("python")),
        platforms=tuple(raw["platforms"]) if "platforms" in raw else None,
    )


def _workaround(path: Path, case_id: str, raw: dict[str, Any]) -> Workaround | None:
    """The ``[workaround]`` table: required when a variant runs a workaround, and then of
    that variant's file."""
    files = {v["workaround"] for v in raw["variants"].values() if "workaround" in v}
    entry = raw.get("workaround")
    if entry is None:
        if files:
            raise _error(path, "workaround", "a case with a workaround variant describes it")
        return None
    if entry["file"] not in files:
        raise _error(path, "workaround.file", f"{entry['file']!r} is no workaround variant's file")
    return Workaround(FIXES / case_id / entry["file"], entry["summary"], entry["cost"])


def _unsupported(
    path: Path, index: int, raw: dict[str, Any], case_raw: dict[str, Any]
) -> Unsupported:
    where = f"unsupported.{index}"
    for name in raw.get("checks", ()):
        if name not in case_raw["checks"]:
            raise _error(path, f"{where}.checks", f"no check named {name!r}")
    upstream = _specifier(path, f"{where}.upstream", raw["upstream"])
    python = _specifier(path, f"{where}.python", raw["python"])
    assert upstream is not None and python is not None  # both required by the schema
    return Unsupported(
        upstream, python, raw["why"], tuple(raw["checks"]) if "checks" in raw else None
    )


def _claim(path: Path, index: int, raw: dict[str, Any], case_raw: dict[str, Any]) -> Claim:
    for cell in raw.get("cells", ()):
        check, _, variant = cell.partition("/")
        if check not in case_raw["checks"] or variant not in case_raw["variants"]:
            raise _error(
                path, f"claims.{index}.cells", f"{cell!r} is not check/variant of this case"
            )
    return Claim(
        raw["id"], raw["claim"], raw["verdict"], raw["evidence"], tuple(raw.get("cells", ()))
    )


def load(path: Path) -> Case:
    """Load and validate one case.toml."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _error(path, "(file)", str(exc)) from None
    errors = sorted(
        jsonschema.Draft202012Validator(SCHEMA).iter_errors(raw),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        raise _error(path, _where(errors[0]), errors[0].message)
    if raw["id"] != path.parent.name:
        raise _error(path, "id", f"{raw['id']!r} differs from the folder name {path.parent.name!r}")
    if raw["status"] == "fixed" and "first_fixed" not in raw:
        raise _error(path, "first_fixed", "a fixed case names its first fixed release")
    for key in ("first_fixed", "last_affected", "first_affected"):
        if key in raw:
            try:
                Version(raw[key])
            except InvalidVersion:
                raise _error(path, key, f"{raw[key]!r} is not a version") from None
    for key in ("notes", "fix"):
        if UNRENDERED_FIGURE in raw[key]:
            raise _error(
                path, key, "figures ({cells:...}) are rendered only in finding and claims evidence"
            )
    checks = {name: _check(path, name, entry) for name, entry in raw["checks"].items()}
    variants = {
        name: _variant(path, raw["id"], name, entry, checks)
        for name, entry in raw["variants"].items()
    }
    return Case(
        id=raw["id"],
        path=path.parent,
        title=raw["title"],
        package=raw["package"],
        repository=raw["repository"],
        issue=raw["issue"],
        status=raw["status"],
        fix=raw["fix"],
        leak=raw["leak"],
        platforms=tuple(raw["platforms"]),
        notes=raw["notes"],
        checks=checks,
        variants=variants,
        expect=tuple(
            _rule(path, i, entry, checks, variants) for i, entry in enumerate(raw["expect"])
        ),
        first_fixed=raw.get("first_fixed"),
        last_affected=raw.get("last_affected"),
        first_affected=raw.get("first_affected"),
        aliases=tuple(raw.get("aliases", ())),
        claims=tuple(_claim(path, i, c, raw) for i, c in enumerate(raw.get("claims", ()))),
        workaround=_workaround(path, raw["id"], raw),
        unsupported=tuple(
            _unsupported(path, i, u, raw) for i, u in enumerate(raw.get("unsupported", ()))
        ),
        raw=raw,
    )


def case_ids(cases_dir: Path = CASES) -> list[str]:
    return sorted(p.parent.name for p in cases_dir.glob("*/case.toml"))


def load_all(cases_dir: Path = CASES) -> list[Case]:
    return [load(cases_dir / case_id / "case.toml") for case_id in case_ids(cases_dir)]


def load_case(case_id: str, cases_dir: Path = CASES) -> Case:
    """The case with this id, or a MetadataError that lists the ids there are."""
    path = cases_dir / case_id / "case.toml"
    if not path.is_file():
        known = ", ".join(case_ids(cases_dir)) or "none"
        raise MetadataError(f"unknown case id {case_id!r} (known: {known})")
    return load(path)
