"""Case metadata: every real case loads; a bad file is an error naming the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.corpus import metadata
from harness.corpus.metadata import MetadataError

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
upstream = ">=1.0,<1.1"
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
        ('upstream = ">=1.0,<1.1"', 'variants = ["afected"]', "expect.0.variants"),
        ('upstream = ">=1.0,<1.1"', 'variants = ["affected"]', "expect.0.variants"),
        ('upstream = ">=1.0,<1.1"\n', "", "expect.0.upstream"),
        (
            'upstream = ">=1.0,<1.1"',
            'upstream = ">=1.0,<1.1"\nchecks = ["nope"]',
            "expect.0.checks",
        ),
        ("[checks.main]\n", '[checks.main]\nevidence = "simulated"\n', "checks.main.assumptions"),
        (
            "[checks.main]\n",
            '[checks.main]\nassumptions = "README.md"\n',
            "checks.main.assumptions",
        ),
        (
            "[checks.main]\n",
            '[checks.main]\nevidence = "simulated"\nassumptions = "nowhere.md"\n',
            "checks.main.assumptions",
        ),
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


@pytest.mark.parametrize("key", ["notes", "fix"])
def test_a_figure_placeholder_where_nothing_renders_it_is_an_error(
    tmp_path: Path, key: str
) -> None:
    text = VALID.replace(f'{key} = "', f'{key} = "{{cells:main/affected:recorded.mb max}} ', 1)
    with pytest.raises(MetadataError, match=rf"field {key}: figures .* are rendered only"):
        metadata.load(write_case(tmp_path, text))


WORKAROUND = """
[variants.workaround]
releases = ["1.0"]
workaround = "workaround.py"
"""
DESCRIBED = """
[workaround]
file = "workaround.py"
summary = "call release()"
cost = "one lookup per object"
"""


def _with_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    fixes = tmp_path / "fixes"
    (fixes / "demo-1").mkdir(parents=True)
    (fixes / "demo-1" / "workaround.py").write_text("")
    monkeypatch.setattr(metadata, "FIXES", fixes)
    return write_case(tmp_path / "cases", text)


def test_a_workaround_is_described_with_its_cost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head, expect = VALID.split("[[expect]]", 1)
    text = head + WORKAROUND + DESCRIBED + "[[expect]]" + expect
    case = metadata.load(_with_fixes(tmp_path, monkeypatch, text))
    assert case.workaround is not None
    assert (case.workaround.summary, case.workaround.cost) == (
        "call release()",
        "one lookup per object",
    )
    assert case.workaround.file == tmp_path / "fixes" / "demo-1" / "workaround.py"


@pytest.mark.parametrize(
    "described, field",
    [("", "workaround"), (DESCRIBED.replace('"workaround.py"', '"other.py"'), "workaround.file")],
)
def test_a_workaround_variant_without_its_description_names_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, described: str, field: str
) -> None:
    head, expect = VALID.split("[[expect]]", 1)
    path = _with_fixes(tmp_path, monkeypatch, head + WORKAROUND + described + "[[expect]]" + expect)
    with pytest.raises(MetadataError, match=f"field {field}:"):
        metadata.load(path)


def test_a_simulated_check_names_its_assumptions(tmp_path: Path) -> None:
    text = VALID.replace(
        "[checks.main]\n", '[checks.main]\nevidence = "simulated"\nassumptions = "README.md"\n'
    )
    case = metadata.load(write_case(tmp_path, text))
    assert case.checks["main"].assumptions == "README.md"


UNSUPPORTED = """
[[unsupported]]
upstream = ">=1.0,<1.0.5"
python = ">=3.12"
checks = ["main"]
why = "1.0 calls ssl.wrap_socket, which Python 3.12 removed"
"""


def test_an_unsupported_section_says_which_release_cannot_run_a_check_on_which_python(
    tmp_path: Path,
) -> None:
    case = metadata.load(write_case(tmp_path, VALID + UNSUPPORTED))
    why = "1.0 calls ssl.wrap_socket, which Python 3.12 removed"
    assert case.unsupported_why("main", "1.0", "3.12.1") == why
    assert case.unsupported_why("main", "1.0", "3.11.7") is None  # another Python
    assert case.unsupported_why("main", "1.1", "3.12.1") is None  # another release
    assert case.unsupported_why("other", "1.0", "3.12.1") is None  # another check
    everywhere = metadata.load(
        write_case(tmp_path, VALID + UNSUPPORTED.replace('checks = ["main"]\n', ""))
    )
    assert everywhere.unsupported_why("other", "1.0", "3.13.0") == why


def test_a_case_without_an_unsupported_section_supports_what_pypi_says(tmp_path: Path) -> None:
    case = metadata.load(write_case(tmp_path, VALID))
    assert case.unsupported == () and case.unsupported_why("main", "1.0", "3.13.0") is None


@pytest.mark.parametrize(
    "old, new, field",
    [
        ('checks = ["main"]', 'checks = ["mian"]', "unsupported.0.checks"),
        ('python = ">=3.12"', 'python = "3.12+"', "unsupported.0.python"),
        ('upstream = ">=1.0,<1.0.5"', 'upstream = "old"', "unsupported.0.upstream"),
        ('why = "1.0 calls ssl.wrap_socket, which Python 3.12 removed"\n', "", "unsupported.0"),
        ('python = ">=3.12"', 'python = ">=3.12"\nos = "linux"', "unsupported.0"),
    ],
)
def test_a_bad_unsupported_section_names_the_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    text = VALID + UNSUPPORTED
    assert old in text
    path = write_case(tmp_path, text.replace(old, new, 1))
    with pytest.raises(MetadataError) as raised:
        metadata.load(path)
    assert f"field {field}" in str(raised.value), str(raised.value)
