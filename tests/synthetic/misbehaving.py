"""Synthetic reproducers that must never come out clean: no trigger, a failed control, a
crash, a hang, a straggler left behind, a process that holds the output open."""

import os
import subprocess
import sys
import time

from harness import child

mode = sys.argv[1]
if mode == "no-trigger":
    child.callbacks("close", expected=1, ran=1)
elif mode == "failed-control":
    child.trigger("ran")
    child.control("head-callback-ran", False)
    child.callbacks("close", expected=1, ran=1)
elif mode == "crash":
    child.trigger("ran")
    raise RuntimeError("boom")
elif mode == "hang":
    child.trigger("ran")
    time.sleep(600)
elif mode == "hang-with-semaphores":
    import multiprocessing

    multiprocessing.set_start_method("spawn")
    queue = multiprocessing.Queue()
    # Named so the test can look for exactly these (other runs on the machine make their own).
    locks = (queue._rlock, queue._wlock, queue._sem)
    child.record("semaphores", [lock._semlock.name for lock in locks if lock is not None])
    child.trigger("ran")
    time.sleep(600)
elif mode == "straggler":
    # Escapes the process group (new session) and closes its output: only the marker finds it.
    subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    child.trigger("ran")
    child.callbacks("close", expected=1, ran=1)
elif mode == "holds-output":
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    child.trigger("ran")
    child.callbacks("close", expected=1, ran=1)
elif mode == "corrupt-evidence":
    child.trigger("ran")
    child.callbacks("close", expected=1, ran=1)
    with open(os.environ[child.EVIDENCE_ENV], "w") as out:
        out.write('{"trigger": ["ran"')  # cut short, as a full disk would leave it
elif mode == "report-pid":
    child.record("pid", os.getpid())
    child.record("tmpdir", os.environ["TMPDIR"])
    child.trigger("ran")
    child.callbacks("close", expected=1, ran=1)
