"""The often-quoted "set of keys" fix (PR #4332, closed unmerged), applied to nicegui 2.11.0 so
that its cells can show what it frees and what it gets wrong. Not a fix we recommend.

Modelled on what the PR changes in ``nicegui/binding.py`` (our own code, not the PR's):

- the registry ``bindable_properties`` holds only ``(id(owner), name)`` keys, never the owner:
  ``BindableProperty.__set__`` adds its key (2.11.0's ``registry[key] = owner`` goes through
  ``KeySet.__setitem__``, which keeps the key and drops the owner);
- ``binding.remove(objects)`` also discards the keys whose id is one of the objects' ids;
- membership tests in ``bind_to``/``bind_from`` and ``reset()`` work unchanged on a set.

Nothing else ever removes a key: keys of dead owners stay, and CPython gives their ids to new
objects, which then look like owners of a bindable property.
"""
from __future__ import annotations

import importlib.util
import os
from types import ModuleType
from typing import Any, Iterable, Iterator, Tuple

MARK = "_corpus_pr4332_key_set"


def _sibling(name: str) -> ModuleType:
    """Load ``patch.py`` of this folder (its import hook and release lookup)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    spec = importlib.util.spec_from_file_location("corpus_4109_" + name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load %s" % path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class KeySet(set):
    """The registry as a set of keys, still written to the way 2.11.0's ``__set__`` writes."""

    def __setitem__(self, key: Tuple[int, str], _owner: Any) -> None:
        self.add(key)  # the owner itself is not kept

    def items(self) -> Iterator[Tuple[Tuple[int, str], Any]]:
        """No owners to hand out: 2.11.0's ``remove()`` finds nothing here, ``remove`` below
        discards by id instead."""
        return iter(())


def fix(module: ModuleType) -> None:
    """Swap 2.11.0's owner-keeping dict for a key set, and teach ``remove`` about it."""
    if getattr(module, MARK, False):
        return
    if _patch.release() >= (2, 11, 1) or type(module.bindable_properties) is not dict:
        raise RuntimeError("PR #4332's set of keys applies to nicegui <= 2.11.0 only")
    module.bindable_properties = KeySet(module.bindable_properties)
    release_remove = module.remove

    def remove(objects: Iterable[Any]) -> None:
        objects = list(objects)
        release_remove(objects)
        ids = {id(obj) for obj in objects}
        module.bindable_properties.difference_update(
            [key for key in module.bindable_properties if key[0] in ids]
        )

    module.remove = remove
    setattr(module, MARK, True)


_patch = _sibling("patch")


def apply() -> None:
    _patch.install(fix)
