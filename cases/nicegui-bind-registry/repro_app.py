"""nicegui-bind-registry, the app scenario: a page that makes a view model per visit and binds it
to an app-wide state keeps every visit's model after the visit's client is gone.

A NiceGUI app served over HTTP on 127.0.0.1 (``ui.run``). The page ``/visit`` makes a
``ViewModel``, ties it to the app-wide ``State`` with ``binding.bind`` and shows it in a label
(``bind_text_from``); it also makes a ``Form`` model bound only to an input element
(``bind_value``), the control. The driver (an ``app.on_startup`` task) requests the page over
HTTP again and again; after each batch the visits' clients are pruned the way NiceGUI prunes
clients that never connected (one pass of ``Client.prune_instances`` with no age threshold, or
before 2.23.1, where it is an endless loop, the same ``client.delete()`` of each such client)
and the models still alive after ``gc.collect()`` are counted (growth label ``visits``). Then
the app shuts down. Path: each visit's ``binding.bind`` added entries to ``binding.bindings``.

Controls: every visit's client was deleted; every ``Form`` (bound to elements only) was freed
with its client, so pruning really removes a client's bindings; every view model showed the
state's value (the binding ran). In the ``workaround`` variant each visit hands its view model
to ``workaround.release_with_client`` (``client.on_delete``).
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import weakref
from importlib import metadata
from typing import Any, Dict, List, Set, Tuple

from cases._shared import nicegui_server
from harness import child

from nicegui import Client, binding, ui

WARM_UP = 3
COUNTS = (8, 16, 24, 32)  # cumulative visits after the warm-up
PORT = child.free_port()
VERSION = metadata.version("nicegui")


class State:
    """App-wide state (lives as long as the app)."""

    def __init__(self) -> None:
        self.value = "state-42"


class ViewModel:
    """Made per visit, tied to the app-wide state."""

    def __init__(self) -> None:
        self.value = ""


class Form:
    """Made per visit, bound to an element only (the control)."""

    def __init__(self) -> None:
        self.text = "form"


STATE = State()
WORKAROUND = child.workaround()
models: List["weakref.ref[ViewModel]"] = []
forms: List["weakref.ref[Form]"] = []
clients: List["weakref.ref[Any]"] = []
shown: List[bool] = []
registered: List[bool] = []
pruned_by: Set[str] = set()


def entries() -> int:
    """Entries of the module-level registry ``binding.bindings`` (the code that leaks)."""
    return sum(len(links) for links in list(binding.bindings.values()))


@ui.page("/visit")
def visit() -> None:
    model = ViewModel()
    before = entries()
    binding.bind(model, "value", STATE, "value")
    registered.append(entries() > before)
    ui.label().bind_text_from(model, "value")
    form = Form()
    ui.input().bind_value(form, "text")
    shown.append(model.value == STATE.value)
    models.append(weakref.ref(model))
    forms.append(weakref.ref(form))
    client = ui.context.client
    clients.append(weakref.ref(client))
    if WORKAROUND is not None:
        WORKAROUND.release_with_client(client, model)


def prune_once() -> str:
    """One pass of NiceGUI's pruning of clients that never connected, with no age threshold;
    how it was done. From 2.23.1 (PR #5074) ``Client.prune_instances(client_age_threshold=0)``
    is that pass; before, ``prune_instances`` is an endless loop that deletes, every 10 s, the
    clients that are not shared and have no socket connection after 60 s, by ``client.delete()``:
    the same deletion, done here at once."""
    if "client_age_threshold" in inspect.signature(Client.prune_instances).parameters:
        Client.prune_instances(client_age_threshold=0)
        return "Client.prune_instances(client_age_threshold=0)"
    for client in list(Client.instances.values()):
        if not client.shared and not client.has_socket_connection:
            client.delete()
    return "client.delete() of each client that is not shared and has no socket connection"


async def prune() -> None:
    """Delete the visits' clients as NiceGUI's pruning does, then let their tasks end."""
    pruned_by.add(prune_once())
    await asyncio.sleep(0.5)


def alive(refs: List[Any]) -> int:
    for _ in range(3):
        gc.collect()
    return sum(ref() is not None for ref in refs)


async def visits(count: int) -> List[int]:
    loop = asyncio.get_running_loop()
    return [await loop.run_in_executor(None, nicegui_server.get, PORT, "/visit", 30)
            for _ in range(count)]


async def drive() -> None:
    statuses = await visits(WARM_UP)
    await prune()
    base = alive(models)
    points: List[Tuple[int, int]] = []
    done = 0
    for count in COUNTS:
        statuses += await visits(count - done)
        done = count
        await prune()
        points.append((done, alive(models) - base))
    evidence: Dict[str, Any] = {
        "statuses": sorted(set(statuses)),
        "visits": len(models),
        "models_alive": alive(models),
        "forms_alive": alive(forms),
        "clients_left": sum(1 for ref in clients if ref() in Client.instances.values()),
        "active_links": len(binding.active_links),
        "bindings": len(binding.bindings),
        "pruned_by": sorted(pruned_by),
    }
    child.record("app", evidence)
    served = statuses == [200] * len(statuses) and len(models) == len(statuses)
    child.control("pages-served", served)
    child.control("visit-clients-pruned", evidence["clients_left"] == 0)
    child.control("element-bound-forms-freed", evidence["forms_alive"] == 0)
    child.control("models-showed-state", all(shown))
    child.growth("visits", points)
    if registered and all(registered):
        child.reached("visits-registered", "each of the %d visits' binding.bind added entries "
                      "to binding.bindings" % len(registered))
    child.trigger("nicegui %s: %d visits of /visit over HTTP on 127.0.0.1, clients pruned"
                  % (VERSION, len(models)))
    print(evidence, points)


if __name__ in {"__main__", "__mp_main__"}:
    nicegui_server.serve(PORT, drive, "nicegui-bind-registry")
