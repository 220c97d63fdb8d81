"""nicegui-bind-registry: objects tied by ``binding.bind`` / ``bind_to`` / ``bind_from`` are never
released (the bare trigger: no app, server, client or event loop).

One app-wide ``State`` object; per trigger a new view model (a plain object, the way most apps
write models) is tied to it, its value is read back, and every reference the reproducer holds is
dropped. The module-level ``binding.bindings`` and ``binding.active_links`` keep both ends of
every binding until ``binding.remove`` names one of them, so each trigger leaves one model alive.

Each way of tying is measured on its own (growth labels ``bind``, ``bind_to``, ``bind_from``):
models alive after ``gc.collect()`` after a warm-up and then at growing numbers of triggers. A
release without ``binding.bind`` (before 1.0.0) gets ``bind_from`` then ``bind_to``, which is all
``bind`` does. A release without ``nicegui.binding`` (before 0.6.1) is ``absent``.

Controls: every tie synchronised the model at once (the binding ran), and an untied model of
the same class is collected (the collection works). In the ``workaround`` variant each model is
handed to ``workaround.release`` before it is dropped.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import weakref
from importlib import metadata
from typing import Any, Callable, Dict, List, Tuple

from harness import child

WARM_UP = 5
COUNTS = (20, 40, 60, 80)  # cumulative triggers after the warm-up
WAYS = ("bind", "bind_to", "bind_from")


class State:
    """App-wide state: lives as long as the app."""

    def __init__(self) -> None:
        self.value = 1


class Model:
    """A per-visit view model."""

    def __init__(self, value: int) -> None:
        self.value = value


def same(value: Any) -> Any:
    return value


def tie(binding: Any, way: str, model: Model, state: State) -> None:
    if way == "bind" and hasattr(binding, "bind"):
        binding.bind(model, "value", state, "value")
    elif way == "bind":  # before 1.0.0: what bind does
        binding.bind_from(model, "value", state, "value", same)
        binding.bind_to(model, "value", state, "value", same)
    elif way == "bind_to":
        binding.bind_to(model, "value", state, "value", same)
    else:
        binding.bind_from(model, "value", state, "value", same)


def entries(binding: Any) -> int:
    """Entries of the module-level registry ``binding.bindings`` (the code that leaks)."""
    return sum(len(links) for links in list(binding.bindings.values()))


def collect() -> None:
    for _ in range(3):
        gc.collect()


def measure(binding: Any, way: str, release: Callable[[List[Any]], Any] | None) -> Dict[str, Any]:
    """Tie models one after another; return the retention points and what the controls need."""
    state = State()
    refs: List["weakref.ref[Model]"] = []
    synced = registered = 0

    def one() -> None:
        nonlocal synced, registered
        model = Model(state.value if way == "bind_to" else 0)
        before = entries(binding)
        tie(binding, way, model, state)
        registered += entries(binding) > before
        synced += model.value == state.value
        refs.append(weakref.ref(model))
        if release is not None:
            release([model])

    for _ in range(WARM_UP):
        one()
    collect()
    base = sum(ref() is not None for ref in refs)
    points: List[Tuple[int, int]] = []
    done = 0
    for count in COUNTS:
        while done < count:
            one()
            done += 1
        collect()
        points.append((done, sum(ref() is not None for ref in refs) - base))
    registry = {"bindings": len(binding.bindings), "active_links": len(binding.active_links)}
    return {"points": points, "synced": synced, "registered": registered, "ties": len(refs),
            "registry": registry}


def untied_models_collected() -> bool:
    models = [Model(0) for _ in range(10)]
    refs = [weakref.ref(model) for model in models]
    del models
    collect()
    return all(ref() is None for ref in refs)


def main() -> None:
    version = metadata.version("nicegui")
    spec = importlib.util.find_spec("nicegui")  # finds the package without importing it
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not any(os.path.exists(os.path.join(folder, "binding.py")) for folder in folders):
        child.absent("nicegui %s has no nicegui/binding.py: it first ships in 0.6.1" % version)
        return
    binding = importlib.import_module("nicegui.binding")
    workaround = child.workaround()
    release = workaround.release if workaround is not None else None
    child.control("untied-models-collected", untied_models_collected())
    seen: Dict[str, Any] = {}
    for way in WAYS:
        seen[way] = measure(binding, way, release)
        child.control("%s-synchronised" % way, seen[way]["synced"] == seen[way]["ties"])
        child.growth(way, seen[way]["points"])
    child.record("measured", seen)
    if all(seen[way]["registered"] == seen[way]["ties"] for way in WAYS):
        child.reached("ties-registered", "every tie (%s) added entries to binding.bindings"
                      % ", ".join(WAYS))
    child.trigger(
        "%s: %s models tied to one app-wide state and dropped (bind: %s)"
        % (
            version,
            ", ".join("%s %d" % (way, seen[way]["ties"]) for way in WAYS),
            "binding.bind" if hasattr(binding, "bind") else "bind_from + bind_to",
        )
    )
    print({way: seen[way]["points"] for way in WAYS})


if __name__ == "__main__":
    main()
