"""Case metadata: every real case loads; a bad file is an error naming the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import metadata
from harness.metadata import MetadataError

VALID = """
id = "demo-1"
title = "a demo"
package = "demo"
repository = "https://example.invalid/demo"
issue = "https://example.invalid/demo/issues/1"
status = "fixed"
fix = "PR #2"
first_fixed = "1.1"
last_affected = "1.0"
leak = "objects"
platforms = ["linux", "darwin", "win32"]
notes = "demo"

[checks.main]
reproducer = "repro.py"
probes = [{ probe = "gc_survivors", label = "owners" }]
reaches = ["owners-dropped"]

[variants.affected]
releases = ["1.0"]

[variants.fixed]
releases = ["1.1", "latest"]

[[expect]]
variants = ["affected"]
outcome = "leak"
why = "issue #1"

[[expect]]
upstream = ">=1.1"
outcome = "clean"
why = "PR #2"
"""


def write_case(root: Path, text: str) -> Path:
    folder = root / "demo-1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "repro.py").write_text("")
    (folder / "case.toml").write_text(text)
    return folder / "case.toml"


def test_every_case_in_the_corpus_loads() -> None:
    cases = metadata.load_all()
    assert cases, "the corpus has no case"
    for case in cases:
        assert case.id == case.path.name
        assert all(check.reproducer.is_file() for check in case.checks.values())


def test_a_valid_file_loads(tmp_path: Path) -> None:
    case = metadata.load(write_case(tmp_path, VALID))
    assert case.variants["fixed"].releases == ("1.1", "latest")
    assert case.checks["main"].reaches == ("owners-dropped",)
    assert case.expect[1].upstream is not None and "1.2" in case.expect[1].upstream


@pytest.mark.parametrize(
    "old, new, field",
    [
        ('title = "a demo"\n', "", "(top level)"),
        ('status = "fixed"', 'status = "done"', "status"),
        ('first_fixed = "1.1"\n', "", "first_fixed"),
        ('last_affected = "1.0"', 'last_affected = "one"', "last_affected"),
        ('id = "demo-1"', 'id = "demo-2"', "id"),
        ('reproducer = "repro.py"', 'reproducer = "missing.py"', "checks.main.reproducer"),
        ('probe = "gc_survivors"', 'probe = "gc_ghosts"', "checks.main.probes.0"),
        ('reaches = ["owners-dropped"]\n', "", "checks.main"),
        ('reaches = ["owners-dropped"]', "reaches = []", "checks.main.reaches"),
        ('reaches = ["owners-dropped"]', 'reaches = ["Owners dropped"]', "checks.main.reaches.0"),
        ('label = "owners"', 'lable = "owners"', "checks.main.probes.0"),
        ('releases = ["1.0"]', 'releases = ["one"]', "variants.affected.releases"),
        ('releases = ["1.0"]', 'releases = ["1.0"]\npatch = "patch.py"', "variants.affected.patch"),
        ('variants = ["affected"]', 'variants = ["afected"]', "expect.0.variants"),
        ('upstream = ">=1.1"', 'upstream = "newer"', "expect.1.upstream"),
        ('outcome = "leak"', 'outcome = "leaky"', "expect.0.outcome"),
        ('why = "issue #1"\n', "", "expect.0"),
        ('platforms = ["linux", "darwin", "win32"]', 'platforms = ["beos"]', "platforms.0"),
        ('notes = "demo"', 'notes = "demo', "(file)"),
    ],
)
def test_a_bad_file_names_the_file_and_the_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    assert old in VALID
    path = write_case(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(MetadataError) as raised:
        metadata.load(path)
    message = str(raised.value)
    assert str(path) in message and f"field {field}" in message, message


def test_an_unknown_case_id_lists_the_known_ones() -> None:
    with pytest.raises(MetadataError, match="unknown case id 'nope-1'.*werkzeug-3039"):
        metadata.load_case("nope-1")
