"""Which rule a cell takes: a plain release's by release, Python and OS; a patch or workaround
variant's by its name first. Fixture cases only."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.corpus import expectations, metadata
from tests.corpus.test_metadata import VALID, write_case

RULES = (
    VALID
    + """
[[expect]]
upstream = ">=0"
python = "<3.11"
platforms = ["linux"]
outcome = "leak"
why = "old Pythons"
"""
)


def test_the_first_matching_rule_wins(tmp_path: Path) -> None:
    case = metadata.load(write_case(tmp_path, RULES))
    rule = expectations.expected(case, "main", "affected", "1.0", "3.12.0", "linux")
    assert rule is not None and rule.outcome == "leak" and rule.why == "issue #1"
    rule = expectations.expected(case, "main", "fixed", "1.3", "3.9.1", "linux")
    assert rule is not None and rule.outcome == "clean"


def test_filters_on_python_and_platform(tmp_path: Path) -> None:
    case = metadata.load(
        write_case(tmp_path, RULES.replace('upstream = ">=1.1"', 'upstream = ">=9"'))
    )
    assert (
        expectations.expected(case, "main", "fixed", "1.1", "3.9.1", "linux").why == "old Pythons"
    )
    assert expectations.expected(case, "main", "fixed", "1.1", "3.12.0", "linux") is None
    assert expectations.expected(case, "main", "fixed", "1.1", "3.9.1", "win32") is None


def test_a_python_patch_level_decides_a_rule(tmp_path: Path) -> None:
    case = metadata.load(
        write_case(
            tmp_path,
            VALID.replace(
                'upstream = ">=1.0,<1.1"', 'upstream = ">=1.0,<1.1"\npython = ">=3.11.5"'
            ),
        )
    )
    assert expectations.for_release(case, "main", "1.0", "3.11.7", "linux") is not None
    assert expectations.for_release(case, "main", "1.0", "3.11.0", "linux") is None


def test_a_rule_for_other_checks_is_passed_over_for_the_next(tmp_path: Path) -> None:
    text = VALID.replace(
        '[[expect]]\nupstream = ">=1.0,<1.1"',
        '[[expect]]\nchecks = ["other"]\nupstream = "<9"',
    ).replace(
        "[checks.main]",
        '[checks.other]\nreproducer = "repro.py"\nprobes = [{ probe = "gc_survivors", label = "o" }]\nreaches = ["o-dropped"]\n\n[checks.main]',  # noqa: E501
    )
    case = metadata.load(write_case(tmp_path, text))
    assert (
        expectations.expected(case, "other", "affected", "1.0", "3.12.0", "linux").why == "issue #1"
    )
    rule = expectations.expected(case, "main", "affected", "1.2", "3.12.0", "linux")
    assert rule is not None and rule.why == "PR #2"  # the first rule skipped, the second taken


def test_unreleased_upstream_and_python_versions_match_rules(tmp_path: Path) -> None:
    # A development tree or a release candidate is judged by the rules of its version line.
    case = metadata.load(write_case(tmp_path, RULES))
    rule = expectations.expected(case, "main", "fixed", "1.2.dev3", "3.14.0rc1", "linux")
    assert rule is not None and rule.why == "PR #2"
    rule = expectations.expected(case, "main", "fixed", "0.9", "3.10.0a1", "linux")
    assert rule is not None and rule.why == "old Pythons"


def test_a_rule_for_other_platforms_is_passed_over_for_the_next(tmp_path: Path) -> None:
    text = (
        VALID.replace(
            '[[expect]]\nupstream = ">=1.0,<1.1"',
            '[[expect]]\nplatforms = ["win32"]\nupstream = ">=1.0,<1.1"',
        )
        + '\n[[expect]]\nupstream = ">=1.0,<1.1"\noutcome = "leak"\nwhy = "every other platform"\n'
    )
    case = metadata.load(write_case(tmp_path, text))
    assert (
        expectations.expected(case, "main", "affected", "1.0", "3.12.0", "win32").why == "issue #1"
    )
    rule = expectations.expected(case, "main", "affected", "1.0", "3.12.0", "linux")
    assert rule is not None and rule.why == "every other platform"


PATCHED = VALID.replace(
    "[[expect]]\n",
    '[variants.patched]\nreleases = ["1.0"]\npatch = "patch.py"\n\n'
    '[[expect]]\nvariants = ["patched"]\noutcome = "clean"\nwhy = "our patch"\n\n[[expect]]\n',
    1,
)


@pytest.fixture
def patched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> metadata.Case:
    fixes = tmp_path / "fixes"
    (fixes / "demo-1").mkdir(parents=True)
    (fixes / "demo-1" / "patch.py").write_text("")
    monkeypatch.setattr(metadata, "FIXES", fixes)
    return metadata.load(write_case(tmp_path / "cases", PATCHED))


@pytest.mark.parametrize("variant", ["affected", "fixed", "history"])
def test_a_plain_cell_takes_the_rule_of_its_release_whatever_its_variant_is_called(
    patched: metadata.Case, variant: str
) -> None:
    # "fixed" runs 1.0 here: the rule of 1.0 (leak) answers, not a rule named for a variant.
    for release, why in (("1.0", "issue #1"), ("1.1", "PR #2")):
        rule = expectations.expected(patched, "main", variant, release, "3.12.0", "linux")
        assert rule is not None and rule.why == why


def test_a_patched_cell_takes_the_rule_that_names_its_variant_first(
    patched: metadata.Case,
) -> None:
    rule = expectations.expected(patched, "main", "patched", "1.0", "3.12.0", "linux")
    assert rule is not None and rule.why == "our patch"
    assert expectations.for_release(patched, "main", "1.0", "3.12.0", "linux").why == "issue #1"


def test_a_patched_cell_takes_its_named_rule_even_after_the_plain_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain rule for the release comes first in the file (as most cases write them); the
    patched cell still takes the rule about our patch, not the release's leak."""
    text = (
        VALID.replace(
            "[[expect]]\n",
            '[variants.patched]\nreleases = ["1.0"]\npatch = "patch.py"\n\n[[expect]]\n',
            1,
        )
        + '\n[[expect]]\nvariants = ["patched"]\noutcome = "clean"\nwhy = "our patch"\n'
    )
    fixes = tmp_path / "fixes"
    (fixes / "demo-1").mkdir(parents=True)
    (fixes / "demo-1" / "patch.py").write_text("")
    monkeypatch.setattr(metadata, "FIXES", fixes)
    case = metadata.load(write_case(tmp_path / "cases", text))
    rule = expectations.expected(case, "main", "patched", "1.0", "3.12.0", "linux")
    assert rule is not None and rule.why == "our patch"


def test_a_patched_cell_no_rule_names_takes_the_releases_rule(patched: metadata.Case) -> None:
    """Where no rule names the variant (a check the fix leaves alone), the release's own."""
    other = dataclasses.replace(patched, expect=patched.expect[1:])  # without "our patch"
    rule = expectations.expected(other, "main", "patched", "1.0", "3.12.0", "linux")
    assert rule is not None and rule.why == "issue #1"


def test_a_release_without_the_code_path_is_absent_under_the_patch_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No fix brings back code a release lacks: the release's ``absent`` rule, earlier in the
    file, holds for the patched cell; the rule naming the patch holds where the path exists."""
    text = VALID.replace(
        "[[expect]]\n",
        '[variants.patched]\nreleases = ["0.9", "1.0"]\npatch = "patch.py"\n\n'
        '[[expect]]\nupstream = "<1.0"\noutcome = "absent"\nwhy = "no such code before 1.0"\n\n'
        '[[expect]]\nvariants = ["patched"]\noutcome = "clean"\nwhy = "our patch"\n\n[[expect]]\n',
        1,
    )
    fixes = tmp_path / "fixes"
    (fixes / "demo-1").mkdir(parents=True)
    (fixes / "demo-1" / "patch.py").write_text("")
    monkeypatch.setattr(metadata, "FIXES", fixes)
    case = metadata.load(write_case(tmp_path / "cases", text))
    on = {
        r: expectations.expected(case, "main", "patched", r, "3.12.0", "linux")
        for r in ("0.9", "1.0")
    }
    assert on["0.9"] is not None and on["0.9"].outcome == "absent"
    assert on["1.0"] is not None and on["1.0"].why == "our patch"
