"""App-level workaround for nicegui-bind-registry: remove an object's bindings when the app is done
with it.

``binding.bindings`` and ``binding.active_links`` keep both objects of every ``binding.bind`` /
``bind_to`` / ``bind_from`` until ``binding.remove`` names one of them; NiceGUI calls it only for
elements (when their client goes). An app that ties a per-visit (per-dialog, per-job) model to
long-lived state removes the model's bindings itself: ``release(objects)`` at once, or
``release_with_client(client, *objects)`` from the client's ``on_delete`` (3.0.0 and later).

Cost: ``binding.remove`` walks only the objects' own bindings since 3.15.0 (PR #6135); on older
releases it scans every binding, once per call.
"""

from __future__ import annotations

from typing import Any, Iterable

from nicegui import binding


def release(objects: Iterable[Any]) -> None:
    """Remove every binding that involves these objects (they stay usable, unbound)."""
    binding.remove(list(objects))


def release_with_client(client: Any, *objects: Any) -> None:
    """Release the objects when the client is deleted (``client.on_delete``, nicegui 3.0.0+)."""
    client.on_delete(lambda: release(objects))
