"""nicegui-4109 follow-up (#4617): one finalizer per value change while the owner lives.

Trigger (no app, server or event loop): one live model object with a
``nicegui.binding.BindableProperty`` gets a first value, then changes its value again and
again. In 2.11.1-2.14.1 (PR #4122) every changing ``__set__`` evaluates
``bindable_properties.setdefault(key, weakref.finalize(owner, ...))``: the dictionary keeps the
first finalizer, but each new one is registered in ``weakref.finalize``'s own registry and
stays there until the owner dies. 2.15.0 (PR #4619) uses a ``WeakValueDictionary`` and creates
none.

Releases before 2.11.1 have no such code path (PR #4122 brought the finalizers): the reproducer
records ``absent`` and triggers nothing; their leak is the owner itself (the ``owners`` check).

Evidence:
- ``growth["finalizers"]``: finalizers attached to the object after 1, 10, 50 and 200 value
  changes, counted after a warm-up of a first value and WARM_UP changes (judged: a leak only
  if the count grows at every step).
- ``finalizers``: the same counts, the registry entries for the object, and the size of
  ``weakref.finalize``'s registry while the object lives and after it is dropped.
- control ``finalizer-count-works``: the count sees a finalizer attached by us.
"""
from __future__ import annotations

import gc
import weakref
from importlib import metadata
from typing import Any, Dict, List, Tuple

from harness import child
from nicegui import binding

STEPS = (1, 10, 50, 200)  # cumulative value changes at which the finalizers are counted
WARM_UP = 5
FIRST_WITH_FINALIZERS = (2, 11, 1)  # PR #4122
changes_seen = 0


def on_change(_owner: Any, _value: Any) -> None:
    global changes_seen
    changes_seen += 1


class Model:
    value = binding.BindableProperty(on_change=on_change)


def release() -> Tuple[int, ...]:
    return tuple(int("".join(c for c in part if c.isdigit()) or 0)
                 for part in metadata.version("nicegui").split(".")[:3])


def all_finalizers() -> Dict[Any, Any]:
    """``weakref.finalize``'s registry of live finalizers (a private class attribute)."""
    return weakref.finalize._registry  # type: ignore[attr-defined]


def finalizers_of(obj: Any) -> int:
    return sum(1 for info in list(all_finalizers().values()) if info.weakref() is obj)


def registry_entries_of(obj: Any) -> int:
    return sum(1 for key in list(binding.bindable_properties) if key[0] == id(obj))


def counting_works() -> bool:
    target = Model()
    before = finalizers_of(target)
    mark = weakref.finalize(target, lambda: None)
    seen = finalizers_of(target) - before
    mark.detach()
    return seen == 1


def main() -> None:
    version = metadata.version("nicegui")
    if release() < FIRST_WITH_FINALIZERS:
        child.absent(
            "nicegui %s predates PR #4122 (first released in 2.11.1), the first release whose "
            "BindableProperty.__set__ creates a weakref.finalize: no finalizer per value change "
            "(#4617) can arise; up to 2.11.0 the owner itself is kept (#4109, check owners)" % version
        )
        return
    child.control("finalizer-count-works", counting_works())
    total_before = len(all_finalizers())

    model = Model()
    model.value = 0
    for number in range(1, WARM_UP + 1):
        model.value = -number
    baseline = finalizers_of(model)
    points: List[Tuple[int, int]] = []
    done = 0
    for step in STEPS:
        while done < step:
            done += 1
            model.value = done
        points.append((step, finalizers_of(model) - baseline))
    if changes_seen == WARM_UP + STEPS[-1] and model.value == STEPS[-1]:
        child.trigger("nicegui %s: %d value changes through BindableProperty.__set__ "
                      "(on_change ran %d times)" % (version, STEPS[-1], changes_seen))
    child.growth("finalizers", points)
    total_during = len(all_finalizers())
    entries = registry_entries_of(model)
    if entries:
        child.reached("owner-registered", "BindableProperty.__set__ registered the changed "
                      "object in bindable_properties (%d entries)" % entries)

    workaround = child.workaround()
    if workaround is not None:
        workaround.release([model])
    del model
    for _ in range(3):
        gc.collect()
    child.record(
        "finalizers",
        {
            "after_warm_up": baseline,
            "added_after_changes": dict((str(n), v) for n, v in points),
            "registry_entries_for_object": entries,
            "finalize_registry_growth_while_alive": total_during - total_before,
            "finalize_registry_growth_after_drop": len(all_finalizers()) - total_before,
        },
    )
    print("finalizers added after %s changes: %s" % (list(STEPS), [v for _, v in points]))


if __name__ == "__main__":
    main()
