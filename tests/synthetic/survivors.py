"""Synthetic: owners kept by a registry of strong references (leak) or weak ones (clean)."""

import sys
import weakref

from harness import child


class Owner:
    pass


registry = {} if sys.argv[1] == "leak" else weakref.WeakValueDictionary()
survivors = child.Survivors("owners")
for number in range(100):
    owner = Owner()
    registry[number] = owner
    survivors.track(owner)
del owner
child.trigger("created and dropped 100 owners")
survivors.collect()
