"""nicegui-leaflet-layer-links: ``leaflet.remove_layer()`` / ``clear_layers()`` keep the removed
layers' binding links, and through them the layers and the deleted map.

A NiceGUI app served over HTTP on 127.0.0.1 (``ui.run``); one visit of ``/map`` builds the page
the way a dashboard does: one long-lived label, and rounds of a map whose markers are shown in
the label (``label.bind_text_from(marker, 'latlng')``). Each round makes a map with MARKERS
markers, removes them (``remove_layer`` one by one, or ``clear_layers``) and deletes the map.
``Leaflet._handle_delete`` unbinds only the layers still in ``map.layers``, so every removed
marker keeps its link in ``binding.active_links`` and ``binding.bindings`` (and the marker keeps
its deleted map) until the label or the client goes.

Evidence (judged): growth ``remove_layer`` and ``clear_layers``: links whose source is a marker,
after each round (the removed markers so far); gc ``maps``: deleted maps still alive.

Controls: a map deleted with its markers still on it leaves no marker link (the path upstream
does clean); after the visit's client is pruned no marker link and no map is left (the channel
sees links go away when they do); every marker was shown in the label (the bindings ran). In
the ``workaround`` variant layers are removed through ``workaround.remove_layer`` /
``workaround.clear_layers``. Releases before 1.4.6 have no ``ui.leaflet`` (``absent``).
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from importlib import metadata
from typing import Any, Callable, Dict, List, Tuple

from cases._shared import nicegui_server
from harness import child

from nicegui import binding, ui

MARKERS = 10
ROUNDS = 4
PORT = child.free_port()
VERSION = metadata.version("nicegui")
WORKAROUND = child.workaround()
seen: Dict[str, Any] = {}
map_refs: List[Any] = []


def marker_links() -> int:
    """Links in active_links and bindings whose source is a Leaflet marker."""
    links = sum(1 for link in binding.active_links if type(link[0]).__name__ == "Marker")
    entries = sum(
        1 for entries in binding.bindings.values() for entry in entries
        if type(entry[0]).__name__ == "Marker"
    )
    return max(links, entries)


def forget_current_map(layer: Any) -> None:
    """Clear ``Layer.current_leaflet``: the class-level pointer to the last map a layer was
    added to (a strong reference up to 3.15.0 at least, a weak one in 3.18.0) keeps one map
    alive, bounded and unrelated to the bindings; cleared so that only links can keep a map."""
    for klass in type(layer).__mro__:
        if "current_leaflet" in vars(klass):
            klass.current_leaflet = None


def collect() -> None:
    for _ in range(3):
        gc.collect()


def remove_one_by_one(leaflet: Any, markers: List[Any]) -> None:
    for marker in markers:
        if WORKAROUND is not None:
            WORKAROUND.remove_layer(leaflet, marker)
        else:
            leaflet.remove_layer(marker)


def clear(leaflet: Any, markers: List[Any]) -> None:
    if WORKAROUND is not None:
        WORKAROUND.clear_layers(leaflet)
    else:
        leaflet.clear_layers()


def rounds(
    label: Any, remove: Callable[[Any, List[Any]], None], survivors: Any
) -> List[Tuple[int, int]]:
    points: List[Tuple[int, int]] = []
    base = marker_links()
    for number in range(1, ROUNDS + 1):
        leaflet = ui.leaflet(center=(51.5, 7.5))
        survivors.track(leaflet)
        map_refs.append(weakref.ref(leaflet))
        markers = [leaflet.marker(latlng=(51.5 + i / 100, 7.5)) for i in range(MARKERS)]
        before = marker_links()
        for marker in markers:
            label.bind_text_from(marker, "latlng", backward=str)
        seen.setdefault("linked", []).append(marker_links() - before)
        seen.setdefault("shown", []).append(label.text == str(markers[-1].latlng))
        remove(leaflet, markers)
        seen.setdefault("left_on_map", []).append(sum(m in leaflet.layers for m in markers))
        leaflet.delete()
        forget_current_map(markers[0])
        del markers, leaflet
        collect()
        points.append((number * MARKERS, marker_links() - base))
    return points


def deleted_with_layers(label: Any) -> int:
    """Control: a map deleted with its markers on it leaves no marker link."""
    base = marker_links()
    leaflet = ui.leaflet(center=(51.5, 7.5))
    for i in range(MARKERS):
        label.bind_text_from(leaflet.marker(latlng=(50.0 + i / 100, 7.0)), "latlng", backward=str)
    leaflet.delete()
    collect()
    return marker_links() - base


@ui.page("/map")
def page() -> None:
    label = ui.label()
    seen["control_links"] = deleted_with_layers(label)
    maps = child.Survivors("maps")
    seen["remove_layer"] = rounds(label, remove_one_by_one, maps)
    seen["clear_layers"] = rounds(label, clear, maps)
    seen["maps"] = maps
    seen["client"] = label.client


async def drive() -> None:
    status = await asyncio.get_running_loop().run_in_executor(
        None, nicegui_server.get, PORT, "/map", 60
    )
    maps = seen.pop("maps")
    survived = maps.collect()  # while the label lives: the leak
    links_before_prune = marker_links()
    client = seen.pop("client")
    client.delete()  # the visit ends: what NiceGUI's pruning does to a client that is gone
    del client
    await asyncio.sleep(0.5)
    collect()
    after_prune = {"marker_links": marker_links(),
                   "maps_alive": sum(ref() is not None for ref in map_refs)}
    child.record("layers", {**seen, "status": status, "maps_survived": survived,
                            "links_before_prune": links_before_prune,
                            "after_prune": after_prune})
    child.control("page-served", status == 200 and "clear_layers" in seen)
    child.control("markers-shown", all(seen["shown"]))
    child.control("layers-removed-from-map", not any(seen["left_on_map"]))
    child.control("map-deleted-with-layers-unbinds", seen["control_links"] == 0)
    child.control("client-gone-frees-everything",
                  after_prune == {"marker_links": 0, "maps_alive": 0})
    child.growth("remove_layer", seen["remove_layer"])
    child.growth("clear_layers", seen["clear_layers"])
    if seen["linked"] and all(linked >= MARKERS for linked in seen["linked"]):
        child.reached("markers-linked-to-label", "in each of the %d maps, bind_text_from made one "
                      "binding link per marker (%d) before the markers were removed"
                      % (len(seen["linked"]), MARKERS))
    child.trigger("nicegui %s: %d maps of %d markers, markers removed (remove_layer, "
                  "clear_layers), maps deleted, label kept" % (VERSION, 2 * ROUNDS, MARKERS))
    print(seen, survived, after_prune)


if __name__ in {"__main__", "__mp_main__"}:
    if not hasattr(ui, "leaflet"):
        child.absent("nicegui %s has no ui.leaflet: it first ships in 1.4.6" % VERSION)
    else:
        nicegui_server.serve(PORT, drive, "leaflet-layer-links")
