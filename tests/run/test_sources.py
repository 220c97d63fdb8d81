"""Unreleased upstream code: what a source tree or a VCS reference declares, what makes it a
new environment, and the errors for a bad path or a tree of another package."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import cli
from harness.run import sources


def tree(root: Path, name: str = "nicegui", version: str | None = "3.19.0.dev0") -> Path:
    folder = root / f"{name}-src"
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text("")
    line = f'version = "{version}"\n' if version else 'dynamic = ["version"]\n'
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n{line}')
    return folder


def test_a_tree_declares_its_package_and_version(tmp_path: Path) -> None:
    source = sources.from_path(str(tree(tmp_path)))
    assert (source.package, source.version, source.kind) == ("nicegui", "3.19.0.dev0", "path")
    assert source.requirement.startswith("nicegui @ file://")
    assert source.commit is None and source.dirty is None  # not under git


def test_an_unpacked_sdist_is_read_from_its_pkg_info(tmp_path: Path) -> None:
    folder = tmp_path / "werkzeug-3.1.3"
    folder.mkdir()
    (folder / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: Werkzeug\nVersion: 3.1.3\n")
    source = sources.from_path(str(folder))
    assert (source.package, source.version) == ("Werkzeug", "3.1.3")


def test_a_dynamic_version_is_left_to_the_install(tmp_path: Path) -> None:
    assert sources.from_path(str(tree(tmp_path, version=None))).version is None


def test_a_changed_file_changes_the_fingerprint(tmp_path: Path) -> None:
    folder = tree(tmp_path)
    before = sources.from_path(str(folder)).fingerprint
    (folder / "nicegui" / "run.py").write_text("x = 1\n")
    assert sources.from_path(str(folder)).fingerprint != before


def test_a_git_tree_records_its_commit_and_dirtiness(tmp_path: Path) -> None:
    folder = tree(tmp_path)
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    clean = sources.from_path(str(folder))
    assert clean.commit and len(clean.commit) == 40 and clean.dirty is False
    (folder / "nicegui" / "__init__.py").write_text("changed = True\n")
    dirty = sources.from_path(str(folder))
    assert dirty.dirty is True and dirty.fingerprint != clean.fingerprint


def test_a_vcs_reference_names_its_package_and_ref() -> None:
    source = sources.from_requirement("nicegui @ git+https://github.com/zauberzeug/nicegui@fix-1")
    assert source is not None and source.kind == "vcs" and source.commit == "fix-1"
    assert sources.from_requirement("nicegui==3.18.0") is None


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--upstream-path", "/no/such/folder"], "no such folder"),
        (["--upstream-path", "{other}"], "code of flask, not werkzeug"),
        (["--upstream-path", "{empty}"], "not a Python source tree"),
    ],
)
def test_a_bad_source_is_named(capsys, tmp_path: Path, extra: list[str], message: str) -> None:
    other = tree(tmp_path, "flask", "3.2.0")
    empty = tmp_path / "empty"
    empty.mkdir()
    extra = [e.format(other=other, empty=empty) for e in extra]
    code = cli.main(
        ["run", "werkzeug-3039", "--python", "3.11", *extra, "--results", str(tmp_path)]
    )
    assert code == 2 and message in capsys.readouterr().err


def test_regression_wants_a_direct_reference_not_a_pin(capsys, tmp_path: Path) -> None:
    code = cli.main(["regression", "--upstream", "werkzeug==3.1.3", "--results", str(tmp_path)])
    assert code == 2 and "expected 'PKG @ git+URL@REF'" in capsys.readouterr().err
