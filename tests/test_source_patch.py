"""cases/_shared/source_patch.py: a reported diff is applied exactly, or not at all; and every
case's diff is the one its UPSTREAM.md reports."""

from __future__ import annotations

import difflib
import sys
import textwrap
from pathlib import Path

import pytest

from cases._shared import source_patch

ROOT = Path(__file__).resolve().parents[1]

SOURCE = textwrap.dedent(
    """\
    def remove_layer(self, layer):
        self.layers.remove(layer)
        self.run_method('remove_layer', layer.id)

    def clear_layers(self):
        self.layers.clear()
    """
)
PATCHED = SOURCE.replace(
    "    self.layers.remove(layer)\n",
    "    self.layers.remove(layer)\n    binding.remove([layer])\n",
).replace(
    "    self.layers.clear()\n",
    "    binding.remove(self.layers)\n    self.layers.clear()\n",
)


def diff(old: str, new: str, context: int = 1) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            "a/m.py",
            "b/m.py",
            n=context,
        )
    )


@pytest.mark.parametrize("context", [0, 1, 3])
def test_a_difflib_diff_turns_the_source_into_the_patched_copy(context: int) -> None:
    assert PATCHED.count("binding.remove") == 2
    assert source_patch.apply_diff(SOURCE, diff(SOURCE, PATCHED, context)) == PATCHED


def test_a_diff_for_other_source_is_refused_naming_the_line() -> None:
    other = SOURCE.replace("self.layers.remove(layer)", "self.layers.discard(layer)")
    with pytest.raises(ValueError, match="line 2"):
        source_patch.apply_diff(other, diff(SOURCE, PATCHED))


def test_the_module_is_executed_from_its_patched_source(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "corpus_demo_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("VALUE = 1\n")
    (tmp_path / "mod.diff").write_text(diff("VALUE = 1\n", "VALUE = 2\n"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    source_patch.install("corpus_demo_pkg.mod", tmp_path / "mod.diff")
    try:
        from corpus_demo_pkg import mod  # type: ignore[import-not-found]

        assert mod.VALUE == 2 and getattr(mod, source_patch.MARK)
    finally:
        sys.modules.pop("corpus_demo_pkg.mod", None)
        sys.modules.pop("corpus_demo_pkg", None)


@pytest.mark.parametrize(
    "case, diff_name",
    [("nicegui-bind-registry", "binding.diff"), ("nicegui-leaflet-layer-links", "leaflet.diff")],
)
def test_upstream_md_reports_the_diff_the_cells_apply(case: str, diff_name: str) -> None:
    report = (ROOT / "cases" / case / "UPSTREAM.md").read_text(encoding="utf-8")
    tested = (ROOT / "fixes" / case / diff_name).read_text(encoding="utf-8")
    assert "```diff\n" + tested + "```" in report
