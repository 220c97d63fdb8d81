"""Synthetic: a dict written to disk whole (clean) or with its last key lost (leak)."""

import json
import os
import sys
import tempfile

from harness import child

memory = {"a": 1, "b": 2}
path = os.path.join(tempfile.gettempdir(), "store.json")
with open(path, "w") as out:
    json.dump(memory if sys.argv[1] == "clean" else {"a": 1}, out)
child.trigger("wrote the store")
with open(path) as src:
    child.state("disk", expected=memory, actual=json.load(src))
os.remove(path)
