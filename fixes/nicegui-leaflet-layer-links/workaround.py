"""App-level workaround for nicegui-leaflet-layer-links: remove a layer's bindings with the layer.

``Leaflet.remove_layer`` and ``clear_layers`` (1.4.6 to 3.18.0) drop layers from the map but not
from ``binding.bindings`` / ``binding.active_links``; a label bound to a marker then keeps the
marker and its map alive until the label goes. Call these instead of the map's methods.

Cost: one ``binding.remove`` per call (on releases before 3.15.0 it scans every binding).
"""

from __future__ import annotations

from typing import Any

from nicegui import binding


def remove_layer(leaflet: Any, layer: Any) -> None:
    """``leaflet.remove_layer(layer)`` and the layer's bindings."""
    leaflet.remove_layer(layer)
    binding.remove([layer])


def clear_layers(leaflet: Any) -> None:
    """``leaflet.clear_layers()`` and the bindings of every layer it removes."""
    layers = list(leaflet.layers)
    leaflet.clear_layers()
    binding.remove(layers)
