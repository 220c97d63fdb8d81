"""nicegui-4131, the smallest trigger: import NiceGUI under spawn, then leave abruptly.

Usage: repro_exit_paths.py [--after-exit-function] PATH [PATH ...]
with PATH one of `os_exit`, `signal` (SIGTERM, default action), `execv` (replace the process
image with `python -c ...`).

Trigger: for each PATH, a fresh interpreter (its own process group) sets the start method to
spawn, imports NiceGUI and leaves by that path. On affected releases the import creates
two multiprocessing queues and a process pool whose named semaphores (11), under spawn or
forkserver, are registered with the resource tracker; none of the three paths runs multiprocessing's exit handling, so the
tracker (a separate process that outlives the interpreter) reports them and unlinks them.
`os.execv` is no different from the other two: the tracker's pipe is close-on-exec, so the
tracker sees the same end of file. With `--after-exit-function` the child first calls
`multiprocessing.util._exit_function()` (what a normal exit runs), which releases them.
In a workaround cell the child calls the workaround's release function before leaving.
Right before it leaves, the child leaves the tracker canary (`child.tracker_canary`): the
tracker's report of it shows that this child's tracker ran and that its output reached us.
Before 1.2.16 the cell is `absent`: importing NiceGUI creates no named semaphore.

Evidence per path: the child's exit status, the number of named semaphores awaiting release
just before it left (from multiprocessing's finalizer registry), the tracker's count and lines
(the child's stderr, read to EOF and re-emitted on our stderr for the `leaked_semaphores`
probe), and (Linux) which of the child's semaphores are still in /dev/shm once the tracker
is gone: none, since the tracker unlinks what it reports.
"""
from __future__ import annotations

import re
import signal
import subprocess
import sys
from typing import Dict, List

from groups import semaphores_left, stop_group
from harness import child
from upstream import absent_reason, record_versions

LEAK_RE = re.compile(r"There appear to be (\d+) leaked semaphore objects")
PATHS = ("os_exit", "signal", "execv")
TIMEOUT = 150.0  # per path: importing NiceGUI on a loaded machine can take a minute

# argv: PATH, "1" to call multiprocessing.util._exit_function() first, else "0".
CHILD = '''\
import multiprocessing
import multiprocessing.synchronize
import multiprocessing.util
import os
import signal
import sys

multiprocessing.set_start_method("spawn", force=True)
import nicegui


def pending_semaphores():
    """Names of the semaphores whose release (unlink, unregister) is still due at exit."""
    cleanup = multiprocessing.synchronize.SemLock._cleanup
    return [finalizer._args[0] for finalizer in list(multiprocessing.util._finalizer_registry.values())
            if getattr(finalizer, "_callback", None) is cleanup]


path, exit_function_first = sys.argv[1], sys.argv[2] == "1"
after_import = pending_semaphores()
print("corpus-child: named semaphores after import: %s" % ",".join(after_import), flush=True)
if os.environ.get("CORPUS_WORKAROUND"):
    from harness import child
    child.workaround().release_multiprocessing_resources()
if exit_function_first:
    multiprocessing.util._exit_function()
from harness import child
child.tracker_canary()  # this process's tracker must report it once we are gone
print("corpus-child: nicegui %s imported, start method %s, semaphores pending: %d after import, "
      "%d when leaving, pid %d" % (nicegui.__version__, multiprocessing.get_start_method(),
                                  len(after_import), len(pending_semaphores()), os.getpid()),
      flush=True)
sys.stderr.flush()
if path == "os_exit":
    os._exit(0)
elif path == "signal":
    os.kill(os.getpid(), signal.SIGTERM)
    signal.pause()
elif path == "execv":
    os.execv(sys.executable, [sys.executable, "-c",
             "import os; print('corpus-child: new image, pid %d' % os.getpid(), flush=True)"])
raise SystemExit("unknown path %r" % path)
'''


def left_by(path: str, returncode: int, reports: List[str]) -> bool:
    """Whether the child left by ``path``: it reported the import (printed right before it
    leaves), then exited 0 without a new image (os._exit), died by SIGTERM, or its new image
    ran (os.execv)."""
    imported = any("imported" in line for line in reports)
    new_image = any("new image" in line for line in reports)
    if path == "os_exit":
        return imported and returncode == 0 and not new_image
    if path == "signal":
        return imported and returncode == -signal.SIGTERM
    return imported and new_image


def run_path(path: str, exit_function_first: bool) -> Dict[str, object]:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, path, "1" if exit_function_first else "0"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        # Both pipes reach EOF only when the child and its resource tracker are gone.
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        extra_signals = stop_group(proc.pid)
    stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    sys.stderr.write(stderr)  # re-emitted for the leaked_semaphores probe
    sys.stderr.flush()
    reports = [line for line in stdout.splitlines() if line.startswith("corpus-child:")]
    names: List[str] = []
    for line in reports:
        if line.startswith("corpus-child: named semaphores after import:"):
            names = [name for name in line.split(":", 2)[2].strip().split(",") if name]
    child.control("child-imported-nicegui:" + path, any("imported" in line for line in reports))
    if left_by(path, proc.returncode, reports):
        child.reached("left-by-" + path, "the interpreter that imported nicegui reached its %s "
                      "(exit status %s), so multiprocessing's exit handling never ran"
                      % (path, proc.returncode))
    child.trigger("spawn, import nicegui, %sleave by %s (exit status %s)"
                  % ("multiprocessing.util._exit_function(), " if exit_function_first else "",
                     path, proc.returncode))
    return {
        "returncode": proc.returncode,
        "child_reports": [line for line in reports if "named semaphores" not in line],
        "semaphores_after_import": len(names),
        "semaphores_left_in_dev_shm": semaphores_left(names),
        "tracker_leaked_semaphores": sum(int(m.group(1)) for m in LEAK_RE.finditer(stderr)),
        "tracker_lines": [line for line in stderr.splitlines()
                          if "resource_tracker" in line or "leaked" in line],
        "group_needed_signals": extra_signals,
    }


def main(argv: List[str]) -> int:
    exit_function_first = "--after-exit-function" in argv
    paths = [arg for arg in argv if not arg.startswith("--")]
    if not paths or any(path not in PATHS for path in paths):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    record_versions("nicegui")
    child.record("exit_function_first", exit_function_first)
    why = absent_reason()
    if why is not None:
        child.absent(why)
        return 0
    child.record("paths", {path: run_path(path, exit_function_first) for path in paths})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
