"""App-level workaround for nicegui <= 2.11.0 (issue #4109): release owners explicitly.

Up to 2.11.0 ``nicegui.binding.bindable_properties`` keeps every object that ever assigned a
``BindableProperty`` alive. An app pinned to such a release calls ``release(objects)`` when it
is done with model objects (a closed document, a finished job, a deleted row); afterwards the
objects are freed as soon as the app drops its own references.

Cost: one dictionary lookup per bindable property of each object. Safe on every release: it
only removes entries whose value is the object itself, so on 2.11.1-2.14.1 (finalizer values)
and on 3.x (different key layout) it does nothing and the release's own cleanup applies.
It does not touch ``binding.bindings``: objects tied by ``binding.bind`` (or
``bind_value``...) need ``binding.remove(objects)`` as well, which scans all bindings.
"""
from __future__ import annotations

from typing import Any, Iterable, List

from nicegui import binding


def bindable_names(cls: type) -> List[str]:
    """Names of the ``BindableProperty`` attributes of a class, including inherited ones."""
    names: List[str] = []
    for klass in cls.__mro__:
        for name, attribute in vars(klass).items():
            if isinstance(attribute, binding.BindableProperty) and name not in names:
                names.append(name)
    return names


def release(objects: Iterable[Any]) -> int:
    """Remove the registry entries that keep these objects alive; return how many were removed.

    Call it only for objects the app is done with: an object released while still in use
    keeps working, but later bindings to it fall back to polling until it assigns again.
    """
    registry = binding.bindable_properties
    removed = 0
    for obj in objects:
        for name in bindable_names(type(obj)):
            key = (id(obj), name)
            if registry.get(key) is obj:
                del registry[key]
                removed += 1
    return removed
