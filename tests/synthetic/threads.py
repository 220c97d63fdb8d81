"""Synthetic: a worker thread left running (leak) or stopped and joined (clean)."""

import sys
import threading

from harness import child

with child.threads_left("worker"):
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait, name="synthetic-worker", daemon=True)
    worker.start()
    child.trigger("started a worker thread")
    if sys.argv[1] == "clean":
        stop.set()
        worker.join()
