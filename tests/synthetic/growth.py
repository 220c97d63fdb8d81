"""Synthetic: an unbounded registry (leak) or a bounded cache of 8 entries (clean), measured
after a warm-up of 10 triggers and then every 10 more."""

import collections
import sys

from harness import child

registry = collections.OrderedDict()


def trigger(n):
    registry[n] = object()
    if sys.argv[1] == "clean" and len(registry) > 8:
        registry.popitem(last=False)


done, points = 0, []
for target in (10, 20, 30, 40, 50):
    while done < target:
        trigger(done)
        done += 1
    points.append((done, len(registry)))
child.trigger(f"{done} triggers")
child.growth("registry", points)
