"""Our fix for nicegui <= 2.11.0 (issue #4109): the registry of bindable properties holds
its owners weakly.

``nicegui.binding.bindable_properties`` maps ``(id(owner), name)`` to the owner. It only has
to answer "is this attribute of this live object a bindable property?", so it does not need
to own anything: we replace it with a ``weakref.WeakValueDictionary`` right after
``nicegui.binding`` is executed, before any other module can look it up. An entry then
disappears together with its owner; a new object that later gets the same id cannot inherit a
stale entry (the removal callback deletes a key only while it still holds the dead
reference). No finalizer is created per assignment, so the follow-up leak of the upstream fix
(one finalizer per value change, reported in #4617) does not arise.

Every use of the registry in 2.11.0 (``__set__``, ``bind_to``/``bind_from`` membership tests,
``remove``, ``reset``) looks the module global up at call time and works unchanged on the
weak mapping. Cost: owners must support weak references (``__slots__`` classes need a
``__weakref__`` slot), the same requirement as upstream's fixes.

``apply()`` runs at interpreter start (``sitecustomize``), before nicegui is imported, so it
installs an import hook (``harness.child.patch_on_import``); if ``nicegui.binding`` is already
loaded it patches at once.
"""
from __future__ import annotations

import weakref
from types import ModuleType
from typing import Callable

from harness.child import patch_on_import

TARGET = "nicegui.binding"
MARK = "_corpus_weak_owner_registry"


def release() -> tuple:
    """The installed nicegui release as a tuple of ints (2, 11, 0)."""
    from importlib import metadata  # Python 3.8+

    parts = []
    for part in metadata.version("nicegui").split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def fix(module: ModuleType) -> None:
    """Swap the module's strong registry for a weak one (idempotent)."""
    if getattr(module, MARK, False):
        return
    registry = module.bindable_properties
    if isinstance(registry, weakref.WeakValueDictionary):
        return  # 2.15.0 and later: already weak
    if release() >= (2, 11, 1):
        raise RuntimeError(
            "nicegui %s stores finalizers in bindable_properties; this patch is for <= 2.11.0"
            % ".".join(map(str, release()))
        )
    if type(registry) is not dict:
        raise RuntimeError("unexpected nicegui.binding.bindable_properties: %r" % type(registry))
    weak: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
    for key, owner in registry.items():
        weak[key] = owner
    module.bindable_properties = weak
    setattr(module, MARK, True)


def install(fix: Callable[[ModuleType], None]) -> None:
    """Run ``fix`` on ``nicegui.binding`` now if it is loaded, else once it is imported
    (shared with ``proposed.py``)."""
    patch_on_import(TARGET, fix)


def apply() -> None:
    install(fix)
