"""The documentation: the internals map is the folder tree of harness/, the site builds in
strict mode (and a broken link fails it), and the README keeps the two commands CI runs."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HARNESS = ROOT / "harness"
README = ROOT / "README.md"
MAP_HEADING = "## The map"

needs_mkdocs = pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None,
    reason="mkdocs is not installed (it is in pyproject.toml's test group: nox -s tests has it)",
)


def map_lines(text: str) -> list[tuple[int, str, str]]:
    """The map's lines as (depth, name, what it does): the first fenced block after the
    heading, two spaces of indentation per level."""
    section = text.split(MAP_HEADING, 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert block is not None, f"no fenced block after {MAP_HEADING!r}"
    lines = []
    for line in block.group(1).splitlines():
        indent = len(line) - len(line.lstrip(" "))
        name, _, what = line.strip().partition(" ")
        lines.append((indent // 2, name, what.strip()))
    return lines


def mapped_paths(text: str) -> dict[str, str]:
    """Every path the map names (relative to the repository, folders ending in /), with what
    it says the path does."""
    paths, stack = {}, []
    for depth, name, what in map_lines(text):
        assert depth <= len(stack), f"{name}: indented deeper than its folder"
        stack[depth:] = [name]
        paths["".join(stack)] = what
    return paths


def harness_tree() -> set[str]:
    """What the map must name: every module of harness/ (its __init__.py stands for the
    package, except the top level's own) and every folder, caches left out."""
    found = {"harness/", "harness/__init__.py"}
    for path in HARNESS.rglob("*"):
        if "__pycache__" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        if path.is_dir():
            found.add(relative + "/")
        elif path.suffix == ".py" and path.name != "__init__.py":
            found.add(relative)
    return found


def test_the_map_names_every_module_and_package_of_the_harness() -> None:
    named = set(mapped_paths((DOCS / "internals.md").read_text(encoding="utf-8")))
    missing = sorted(harness_tree() - named)
    assert not missing, f"docs/internals.md's map does not name: {missing}"


def test_the_map_names_nothing_that_does_not_exist() -> None:
    named = mapped_paths((DOCS / "internals.md").read_text(encoding="utf-8"))
    gone = sorted(
        p for p in named if not (ROOT / p).exists() or p.endswith("/") != (ROOT / p).is_dir()
    )
    assert not gone, f"docs/internals.md's map names what the tree does not have: {gone}"


def test_every_line_of_the_map_says_what_it_does() -> None:
    named = mapped_paths((DOCS / "internals.md").read_text(encoding="utf-8"))
    assert not [p for p, what in named.items() if not what]


def test_the_map_parser_follows_the_indentation() -> None:
    text = f"{MAP_HEADING}\n\n```\na/   one\n  b/   two\n    c.py  three\n  d.py  four\n```\n"
    expected = {"a/": "one", "a/b/": "two", "a/b/c.py": "three", "a/d.py": "four"}
    assert mapped_paths(text) == expected


def test_the_readme_keeps_the_two_commands_that_ci_runs() -> None:
    readme = README.read_text(encoding="utf-8").splitlines()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in ("bash .ci/setup && nox -s all", "nox -s tests tests-online"):
        assert any(line.startswith(command + " ") or line == command for line in readme), command
    assert "bash .ci/setup" in ci and "nox -s tests tests-online" in ci


@pytest.mark.parametrize("page", ["README.md", "cases/README.md"])
def test_the_readmes_links_lead_to_files_that_exist(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)", text)
    assert targets
    broken = [t for t in targets if "://" not in t and not ((ROOT / page).parent / t).exists()]
    assert not broken, f"{page} links to files that do not exist: {broken}"


def _build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@needs_mkdocs
def test_the_docs_build_in_strict_mode(tmp_path: Path) -> None:
    result = _build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    # Links to the repository's own files lead there from the built page.
    page = (tmp_path / "site" / "cases.html").read_text(encoding="utf-8")
    href = re.search(r'href="([^"]*cases/werkzeug-3039/case\.toml)"', page)
    assert href is not None
    assert (tmp_path / "site" / href.group(1)).resolve() == ROOT / "cases/werkzeug-3039/case.toml"


def _project(tmp_path: Path, link: str) -> Path:
    """A one-page project beside a file of its own, with the real config's hook."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(f"# Page\n\nSee [it]({link}).\n")
    (tmp_path / "kept.txt").write_text("a file of the repository\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: t\nstrict: true\nuse_directory_urls: false\n"
        f"hooks:\n  - {ROOT / 'docs' / 'hooks' / 'repo_links.py'}\n"
    )
    return config


@needs_mkdocs
def test_a_link_to_a_file_the_repository_lacks_fails_the_build(tmp_path: Path) -> None:
    result = _build(_project(tmp_path, "../nosuch.txt"), tmp_path / "site")
    assert result.returncode != 0
    assert "link to '../nosuch.txt', which is not a file of the repository" in result.stderr


@needs_mkdocs
def test_a_link_to_a_file_of_the_repository_builds_and_leads_there(tmp_path: Path) -> None:
    result = _build(_project(tmp_path, "../kept.txt"), tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert 'href="../kept.txt"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


@needs_mkdocs
def test_a_broken_link_between_pages_fails_the_build(tmp_path: Path) -> None:
    result = _build(_project(tmp_path, "nosuch.md"), tmp_path / "site")
    assert result.returncode != 0
    assert "nosuch.md" in result.stderr


def test_the_workflow_builds_the_docs_in_a_job_of_its_own() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "matrix.yml").read_text("utf-8"))
    job = workflow["jobs"]["docs"]
    assert any(step.get("run") == "nox -s docs" for step in job["steps"])
    assert "schedule" in job["if"]  # not on the weekly schedule, which is regression's
