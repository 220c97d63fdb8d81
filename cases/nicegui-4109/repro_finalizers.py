"""nicegui-4109 follow-up (#4617): one finalizer per value change while the owner lives.

Trigger (no app, server or event loop): one live model object with a
``nicegui.binding.BindableProperty`` gets a first value, then CHANGES different values. In
2.11.1-2.14.1 (PR #4122) every changing ``__set__`` evaluates
``bindable_properties.setdefault(key, weakref.finalize(owner, ...))``: the dictionary keeps the
first finalizer, but each new one is registered in ``weakref.finalize``'s own registry and
stays there until the owner dies. 2.15.0 (PR #4619) uses a ``WeakValueDictionary`` and creates
none; 2.11.0 creates none either (it leaks the owner itself instead: the ``owners`` check).

Evidence:
- ``state["finalizers"]``: finalizers attached to the object after the first assignment
  (``expected``) and after CHANGES more changes (``actual``); they differ only if the
  registration accumulates (judged).
- ``finalizers``: per-change growth, registry entries for the object, and the size of
  ``weakref.finalize``'s registry before, during and after the object is dropped.
- control ``finalizer-count-works``: the count sees a finalizer attached by us.
"""
from __future__ import annotations

import gc
import weakref
from typing import Any, Dict

from harness import child
from nicegui import binding

CHANGES = 1000
changes_seen = 0


def on_change(_owner: Any, _value: Any) -> None:
    global changes_seen
    changes_seen += 1


class Model:
    value = binding.BindableProperty(on_change=on_change)


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
    child.control("finalizer-count-works", counting_works())
    total_before = len(all_finalizers())

    model = Model()
    model.value = 0
    baseline = finalizers_of(model)
    for number in range(1, CHANGES + 1):
        model.value = number
    after = finalizers_of(model)
    if changes_seen == CHANGES and model.value == CHANGES:
        child.trigger("%d value changes through BindableProperty.__set__ (on_change ran %d times)"
                      % (CHANGES, changes_seen))
    child.state("finalizers", expected=baseline, actual=after)
    total_during = len(all_finalizers())
    entries = registry_entries_of(model)

    workaround = child.workaround()
    if workaround is not None:
        workaround.release([model])
    del model
    for _ in range(3):
        gc.collect()
    child.record(
        "finalizers",
        {
            "changes": CHANGES,
            "after_first_assignment": baseline,
            "after_changes": after,
            "per_change": (after - baseline) / CHANGES,
            "registry_entries_for_object": entries,
            "finalize_registry_growth_while_alive": total_during - total_before,
            "finalize_registry_growth_after_drop": len(all_finalizers()) - total_before,
        },
    )
    print("finalizers on the object: %d after the first value, %d after %d changes"
          % (baseline, after, CHANGES))


if __name__ == "__main__":
    main()
