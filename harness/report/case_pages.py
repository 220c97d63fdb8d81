"""Each case's header in the report: the issue and fix PRs linked, the one-line finding, links
to the fix's README, patch, workaround and release histories, and the write-up claims table.
Figures in the finding and in the claims' evidence are rendered from the committed cells
(figures.py), as in the README.

Links are relative to the report's folder, or absolute (the commit on GitHub) when the report
is built in GitHub Actions, where a job summary has no folder to be relative to.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.corpus import figures
from harness.corpus.metadata import ROOT, Claim, MetadataError, load_case
from harness.records import Cell

RESULTS = ROOT / "results"
_PR = re.compile(r"\bPR #(\d+)")


class Links:
    """Where a file of the repository is, seen from the report."""

    def __init__(self, out_dir: Path, environ: Mapping[str, str] = os.environ) -> None:
        self.out_dir = out_dir.resolve()
        parts = [environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY")]
        sha = environ.get("GITHUB_SHA", "")
        self.base = f"{parts[0]}/{parts[1]}/blob/{sha}/" if all(parts) and sha else None

    def to(self, path: Path) -> str:
        path = path.resolve()
        if self.base and path.is_relative_to(ROOT):
            return self.base + path.relative_to(ROOT).as_posix()
        return Path(os.path.relpath(path, self.out_dir)).as_posix()


@dataclass(frozen=True)
class CasePage:
    id: str
    title: str = ""
    issue: tuple[str, str] | None = None  # (label, url)
    fixes: list[tuple[str, str]] = field(default_factory=list)  # fix PRs (label, url)
    fix: str = ""
    finding: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    histories: list[tuple[str, str]] = field(default_factory=list)
    claims: tuple[Claim, ...] = ()
    checks: tuple[str, ...] = ()  # the case.toml's order
    variants: tuple[str, ...] = ()


def page(case_id: str, links: Links, cells: list[Cell], cases_dir: Path | None = None) -> CasePage:
    """The header of one case, its figures from cells (the committed ones); a case whose
    metadata is gone or broken gets a bare header."""
    kept = {}  # the histories beside the report, else the committed ones
    for folder in (RESULTS / "history", links.out_dir / "history"):
        kept.update({p.name: p for p in folder.glob(f"{case_id}-*.md")})
    histories = [(p.stem.removeprefix(f"{case_id}-"), links.to(p)) for _, p in sorted(kept.items())]
    try:
        case = load_case(case_id, cases_dir) if cases_dir else load_case(case_id)
    except MetadataError:
        return CasePage(case_id, histories=histories)
    fixes_dir = ROOT / "fixes" / case_id
    named = (("fix README", "README.md"), ("patch", "patch.py"), ("workaround", "workaround.py"))
    return CasePage(
        id=case_id,
        title=case.title,
        issue=(f"#{case.issue.rstrip('/').rsplit('/', 1)[-1]}", case.issue),
        fixes=[(f"PR #{n}", f"{case.repository}/pull/{n}") for n in _PR.findall(case.fix)],
        fix=case.fix,
        finding=figures.fill(str(case.raw.get("finding", "")), case_id, cells),
        links=[
            (label, links.to(fixes_dir / name))
            for label, name in named
            if (fixes_dir / name).is_file()
        ],
        histories=histories,
        claims=tuple(
            dataclasses.replace(c, evidence=figures.fill(c.evidence, case_id, cells))
            for c in case.claims
        ),
        checks=tuple(case.checks),
        variants=tuple(case.variants),
    )
