"""nicegui-4109: a new object at a dead owner's address must not inherit its registry entry.

Trigger (no app, server or event loop): OWNERS model objects with a
``nicegui.binding.BindableProperty`` are assigned a value and dropped (they must really die:
the check does not apply to 2.11.0, where they never do), then plain objects (an ordinary
``value`` attribute, no bindable property) are created until CPython hands them the ids of the
dead owners. One of those plain objects is bound with ``binding.bind_from`` and its attribute
changed: a plain attribute is only seen through the binding loop's polling
(``binding.active_links``), which ``bind_from`` skips for a key found in
``binding.bindable_properties``. PR #4332's set of keys (variant ``proposed``) keeps the dead
owners' keys, so the plain object is taken for a bindable one and its change never arrives.

Evidence:
- ``state["binding"]``: the value set on the plain object (``expected``) next to what the bound
  target holds after a refresh step of the binding loop (``actual``) (judged).
- ``reuse``: how many plain objects got a dead owner's id, and how many of those the registry
  already holds a key for (taken for owners of a bindable property without ever assigning).
- control ``owners-died``: every dropped owner was collected (else no id can be reused).
- control ``polling-works``: a plain object at a fresh address is polled (the loop works).
"""
from __future__ import annotations

import gc
import weakref
from importlib import metadata
from typing import Any, List, Optional, Set, Tuple

from harness import child
from nicegui import binding

OWNERS = 1000
BATCHES = 20  # plain objects made, at most, in batches of OWNERS
FIRST_FREEING = (2, 11, 1)  # PR #4122: the first release whose registry lets owners die


class Model:
    value = binding.BindableProperty()


class Plain:
    def __init__(self) -> None:
        self.value = "initial"


class Target:
    def __init__(self) -> None:
        self.text = ""


def release() -> Tuple[int, ...]:
    return tuple(int("".join(c for c in part if c.isdigit()) or 0)
                 for part in metadata.version("nicegui").split(".")[:3])


def full_collect() -> None:
    for _ in range(3):
        gc.collect()


def registry_ids() -> Set[int]:
    return {key[0] for key in list(binding.bindable_properties)}


def propagated(source: Plain) -> str:
    """Bind a target to ``source.value``, change it, run one refresh step; what arrived."""
    target = Target()
    binding.bind_from(target, "text", source, "value", backward=lambda value: value)
    source.value = "changed"
    binding._refresh_step()  # the polling step of binding.refresh_loop (private)
    arrived = target.text
    binding.remove([target, source])
    return arrived


def main() -> None:
    version = metadata.version("nicegui")
    workaround = child.workaround()
    child.control("polling-works", propagated(Plain()) == "changed")

    owners = [Model() for _ in range(OWNERS)]
    for number, owner in enumerate(owners):
        owner.value = number
    dead_ids = {id(owner) for owner in owners}
    refs = [weakref.ref(owner) for owner in owners]
    if dead_ids <= registry_ids():
        child.reached("owners-registered-by-id", "BindableProperty.__set__ keyed each of the "
                      "%d owners by id() in bindable_properties before they died" % OWNERS)
    if workaround is not None:
        workaround.release(owners)
    del owners, owner
    full_collect()
    died = sum(1 for ref in refs if ref() is None)
    if not died and release() < FIRST_FREEING:
        child.absent(
            "on nicegui %s no owner ever dies (#4109: the registry keeps each one until PR #4122, "
            "first released in 2.11.1), so no new object can get a dead owner's id" % version
        )
        return
    child.control("owners-died", died == OWNERS)

    # Allocate until CPython hands out a dead owner's address: usually the first batch does,
    # but other allocations can take the freed blocks first. Every batch is kept alive, so a
    # later batch cannot be handed the addresses of an earlier one.
    plains: List[Plain] = []
    reused: List[Plain] = []
    while not reused and len(plains) < OWNERS * BATCHES:
        batch = [Plain() for _ in range(OWNERS)]
        plains += batch
        reused = [plain for plain in batch if id(plain) in dead_ids]
    known = registry_ids()
    inherited = [plain for plain in reused if id(plain) in known]
    chosen: Optional[Plain] = inherited[0] if inherited else (reused[0] if reused else None)
    child.record("reuse", {
        "owners_dropped": OWNERS,
        "plain_objects": len(plains),
        "at_a_dead_owners_id": len(reused),
        "of_those_in_the_registry": len(inherited),
    })
    if chosen is None:
        print("no plain object got a dead owner's id: nothing to show")
        return
    child.trigger("nicegui %s: %d of %d plain objects got a dead owner's id; one of them bound "
                  "with bind_from and changed" % (version, len(reused), len(plains)))
    child.state("binding", expected="changed", actual=propagated(chosen))
    print("plain objects at dead owners' ids: %d, of those taken for owners: %d"
          % (len(reused), len(inherited)))


if __name__ == "__main__":
    main()
