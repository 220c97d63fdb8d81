"""Our fix for nicegui 3.18.0 (nicegui-bind-registry): the binding registry stops keeping
objects alive.

``binding.diff`` is the change we propose upstream (the same text as in
``cases/nicegui-bind-registry/UPSTREAM.md``); ``apply()`` executes ``nicegui.binding`` from the
installed release's own source with that diff applied (``cases/_shared/source_patch.py``), so the
cells test exactly the reported diff. It does not fit any other release: the cell is then an error.
"""

from __future__ import annotations

from pathlib import Path

from cases._shared import source_patch

DIFF = Path(__file__).with_name("binding.diff")


def apply() -> None:
    source_patch.install("nicegui.binding", DIFF)
