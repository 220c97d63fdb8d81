"""nicegui-4109: does the bindable-property registry grow with every owner ever seen?

Trigger (no app, server or event loop): model objects with one
``nicegui.binding.BindableProperty`` are created, assigned a value and dropped, in batches;
after each batch a full collection runs and the registry ``nicegui.binding.bindable_properties``
is measured. Up to 2.11.0 each entry keeps its owner, so the registry grows by one per owner
(the owners leak: check ``owners``). PR #4332's set of keys (variant ``proposed``) frees the
owners but never removes their keys, so it grows the same way. PR #4122's finalizers (2.11.1)
and a ``WeakValueDictionary`` (PR #4619, 2.15.0, and our patch) drop the entry with its owner.

Evidence:
- ``growth["registry"]``: registry entries left after 1, 10, 50 and 200 owners were dropped,
  measured after a warm-up batch (judged: a leak only if it grows at every step).
- ``registry``: the same counts, and how many of the dropped owners were still alive.
- control ``registered``: a live owner has its registry entry (the registry is the one used).
"""
from __future__ import annotations

import gc
import weakref
from importlib import metadata
from typing import Any, List, Tuple

from harness import child
from nicegui import binding

STEPS = (1, 10, 50, 200)  # cumulative owners dropped at which the registry is measured
WARM_UP = 20


class Model:
    value = binding.BindableProperty()


def full_collect() -> None:
    for _ in range(3):
        gc.collect()


def entries_of(obj: Any) -> int:
    return sum(1 for key in list(binding.bindable_properties) if key[0] == id(obj))


def drop_owners(count: int, refs: List["weakref.ref[Any]"], workaround: Any) -> int:
    """Create ``count`` owners, assign each a value, let the workaround (if any) release them,
    drop them and collect; how many were in the registry before they were dropped."""
    owners = [Model() for _ in range(count)]
    for number, owner in enumerate(owners):
        owner.value = number
        refs.append(weakref.ref(owner))
    registered = sum(1 for owner in owners if entries_of(owner))
    if workaround is not None:
        workaround.release(owners)
    del owners, owner
    full_collect()
    return registered


def main() -> None:
    version = metadata.version("nicegui")
    probe = Model()
    probe.value = 1
    child.control("registered", entries_of(probe) == 1)
    workaround = child.workaround()
    if workaround is not None:
        workaround.release([probe])
    del probe

    refs: List["weakref.ref[Any]"] = []
    drop_owners(WARM_UP, refs, workaround)
    baseline = len(binding.bindable_properties)
    points: List[Tuple[int, int]] = []
    done = registered = 0
    for step in STEPS:
        registered += drop_owners(step - done, refs, workaround)
        done = step
        points.append((step, len(binding.bindable_properties) - baseline))
    if registered == done:
        child.reached("owners-registered", "each of the %d dropped owners was in "
                      "bindable_properties (BindableProperty.__set__) before it was dropped" % done)
    child.trigger("nicegui %s: %d owners assigned through BindableProperty.__set__ and dropped, "
                  "in %d batches after a warm-up of %d" % (version, done, len(STEPS), WARM_UP))
    child.growth("registry", points)
    child.record("registry", {
        "baseline_after_warm_up": baseline,
        "left_after_drops": dict((str(n), v) for n, v in points),
        "owners_dropped": len(refs) - WARM_UP,
        "owners_alive": sum(1 for ref in refs[WARM_UP:] if ref() is not None),
    })
    print("registry entries left after %s owners dropped: %s"
          % (list(STEPS), [v for _, v in points]))


if __name__ == "__main__":
    main()
