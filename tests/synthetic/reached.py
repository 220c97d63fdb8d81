"""Synthetic: the trigger runs and leaves an object behind; with ``reached`` the reproducer
records the path it took (``child.reached``), with ``unreached`` it does not."""

import sys

from harness import child

kept = []
survivors = child.Survivors("o")
obj = type("Kept", (), {})()
survivors.track(obj)
kept.append(obj)
child.trigger("an object made and kept")
if sys.argv[1] == "reached":
    child.reached("kept-in-a-list", "the object was appended to a module-level list")
survivors.collect()
