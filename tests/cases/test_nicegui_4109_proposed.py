"""PR #4332's set of keys as fixes/nicegui-4109/proposed.py applies it to 2.11.0: the registry
keeps keys, never owners; remove() discards the keys of the objects it is given; nothing else
does. Checked on a stand-in of 2.11.0's binding module (no NiceGUI needed)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import load_module

PROPOSED = Path(__file__).resolve().parents[2] / "fixes" / "nicegui-4109" / "proposed.py"


def load() -> ModuleType:
    return load_module("nicegui_4109_proposed", PROPOSED)


class Owner:
    pass


def binding_2_11_0() -> ModuleType:
    """What proposed.py relies on in 2.11.0's nicegui.binding: a dict registry written as
    ``registry[(id(owner), name)] = owner`` and a remove() that scans ``registry.items()``."""
    module = ModuleType("binding")
    module.bindable_properties = {}

    def remove(objects: Any) -> None:
        ids = {id(obj) for obj in objects}
        for key, obj in list(module.bindable_properties.items()):
            if id(obj) in ids:
                del module.bindable_properties[key]

    module.remove = remove
    return module


@pytest.fixture
def proposed(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = load()
    monkeypatch.setattr(module._patch, "release", lambda: (2, 11, 0))
    return module


def test_the_registry_keeps_the_key_but_not_the_owner(proposed: ModuleType) -> None:
    binding = binding_2_11_0()
    proposed.fix(binding)
    owner = Owner()
    key = (id(owner), "value")
    binding.bindable_properties[key] = owner
    ref = weakref.ref(owner)
    del owner
    gc.collect()
    assert ref() is None
    assert key in binding.bindable_properties  # the stale key stays


def test_remove_discards_the_keys_of_the_given_objects_only(proposed: ModuleType) -> None:
    binding = binding_2_11_0()
    proposed.fix(binding)
    first, second = Owner(), Owner()
    for obj in (first, second):
        binding.bindable_properties[(id(obj), "value")] = obj
    binding.remove([first])
    assert set(binding.bindable_properties) == {(id(second), "value")}


def test_it_refuses_releases_with_finalizer_values(
    proposed: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proposed._patch, "release", lambda: (2, 11, 1))
    with pytest.raises(RuntimeError, match="2.11.0 only"):
        proposed.fix(binding_2_11_0())
