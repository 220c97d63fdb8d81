"""Synthetic: close callbacks registered; none run (leak) or all run (clean)."""

import sys

from harness import child

callbacks = [lambda: None for _ in range(3)]
ran = sum(1 for cb in callbacks if sys.argv[1] == "clean" and cb() is None)
child.trigger("registered 3 callbacks and closed")
child.callbacks("close", expected=3, ran=ran)
