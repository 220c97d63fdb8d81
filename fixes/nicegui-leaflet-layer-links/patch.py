"""Our fix for nicegui 3.18.0 (nicegui-leaflet-layer-links): a layer removed from a map loses its
bindings, as a deleted 3D scene object does since PR #6192.

``leaflet.diff`` is the change we propose upstream (the same text as in
``cases/nicegui-leaflet-layer-links/UPSTREAM.md``); ``apply()`` executes
``nicegui.elements.leaflet.leaflet`` from the installed release's own source with that diff
applied (``cases/_shared/source_patch.py``), so the cells test exactly the reported diff.
"""

from __future__ import annotations

from pathlib import Path

from cases._shared import source_patch

DIFF = Path(__file__).with_name("leaflet.diff")


def apply() -> None:
    source_patch.install("nicegui.elements.leaflet.leaflet", DIFF)
