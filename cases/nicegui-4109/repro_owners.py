"""nicegui-4109: objects owning a ``BindableProperty`` are never garbage-collected (issue #4109).

Trigger (no app, server, client or event loop): a plain model class with one
``nicegui.binding.BindableProperty``; OWNERS instances are created and each is assigned a
value. Up to 2.11.0 the first ``__set__`` stores the owner itself in the module-level registry
``nicegui.binding.bindable_properties``, so dropping every other reference does not free it.

Evidence:
- ``gc["owners"]``: owners tracked, alive after ``gc.collect()``, finalized (judged).
- ``registry``: size of ``bindable_properties`` before the owners exist, after the
  assignments and after the collection. Only the changes matter: 2.x registers a few
  properties at import, 3.x none.
- control ``registered``: the assignments added one registry entry per owner.
- control ``plain-objects-collected``: the same class without a bindable value is freed, so
  the collection itself works.
- ``bind_pair`` (extra, not judged): two owners tied by ``binding.bind`` stay alive on every
  release (``binding.bindings`` holds them), still open upstream.

In the ``workaround`` variant the owners are handed to ``workaround.release`` when dropped.
"""
from __future__ import annotations

import gc
import weakref
from typing import Any, List

from harness import child
from nicegui import binding

OWNERS = 1000


class Model:
    """A model object of the kind issue #4109 describes: one bindable value."""

    value = binding.BindableProperty()


def full_collect() -> None:
    for _ in range(3):
        gc.collect()


def registry_size() -> int:
    return len(binding.bindable_properties)


def plain_objects_collected() -> bool:
    """Control: instances that never assigned the bindable value are freed."""
    plain = [Model() for _ in range(10)]
    refs = [weakref.ref(obj) for obj in plain]
    del plain
    full_collect()
    return all(ref() is None for ref in refs)


def bind_pair_survivors() -> int:
    """Extra evidence: two owners tied by ``binding.bind`` (open upstream, not judged)."""
    first, second = Model(), Model()
    first.value = 1
    second.value = 1
    binding.bind(first, "value", second, "value")
    refs = [weakref.ref(first), weakref.ref(second)]
    del first, second
    full_collect()
    return sum(1 for ref in refs if ref() is not None)


def main() -> None:
    workaround = child.workaround()
    child.control("plain-objects-collected", plain_objects_collected())

    before = registry_size()
    survivors = child.Survivors("owners")
    owners: List[Any] = []
    for number in range(OWNERS):
        owner = Model()
        owner.value = number
        survivors.track(owner)
        owners.append(owner)
    assigned = registry_size()
    read_back = sum(1 for number, owner in enumerate(owners) if owner.value == number)
    child.control("registered", assigned - before == OWNERS)
    if assigned - before == OWNERS:
        child.reached("owners-registered", "bindable_properties grew by one entry per owner "
                      "(%d) when BindableProperty.__set__ ran" % OWNERS)
    if read_back == OWNERS:
        child.trigger(
            "%d owners assigned through BindableProperty.__set__ (values read back: %d, "
            "registry grew by %d)" % (OWNERS, read_back, assigned - before)
        )

    released = workaround.release(owners) if workaround is not None else None
    del owners, owner
    survived = survivors.collect()
    after = registry_size()
    child.record(
        "registry",
        {
            "before": before,
            "after_assign": assigned,
            "after_collect": after,
            "grew_by": assigned - before,
            "left_after_collect": after - before,
            "released_by_workaround": released,
        },
    )
    child.record("bind_pair", {"tracked": 2, "survived": bind_pair_survivors(),
                                "judged": False, "note": "binding.bindings, open upstream"})
    print("owners survived: %d of %d; registry %d -> %d -> %d"
          % (survived, OWNERS, before, assigned, after))


if __name__ == "__main__":
    main()
