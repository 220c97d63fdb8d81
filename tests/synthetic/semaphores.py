"""Synthetic: semaphores registered with the resource tracker, then os._exit (leak) or the
multiprocessing exit handler first (clean)."""

import multiprocessing
import multiprocessing.util
import os
import sys

from harness import child

multiprocessing.set_start_method("spawn")
queue = multiprocessing.Queue()
child.trigger("created a Queue under spawn")
child.tracker_canary()
if sys.argv[1] == "clean":
    del queue
    multiprocessing.util._exit_function()
sys.stdout.flush()
os._exit(0)
