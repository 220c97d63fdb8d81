"""The app of werkzeug-2634: ``run_simple(..., use_reloader=True)`` on 127.0.0.1, the port
given as the only argument.

The script runs twice, as Werkzeug's reloader does it: once as the reloader process, which
starts it again as the app process (``WERKZEUG_RUN_MAIN=true``) and waits for it. Only the app
process holds the app's state, so only it prepares its shutdown, as an app would:

- it counts the requests it served (``GET /hit``) and, at exit, saves the count to
  ``saved.json`` in the working directory (an ``atexit`` save, the way apps keep state);
- at start it makes a scratch file ``corpus-app-scratch-*`` in the temp dir and removes it at
  exit;
- it writes its pid to ``app.pid`` so that the reproducer can signal it directly (the control).

Werkzeug's ``run_with_reloader`` installs a SIGTERM handler (``sys.exit(0)``) in both processes,
so the app process, when it gets SIGTERM itself, unwinds and runs ``atexit``: its shutdown is
ready to run. What the reloader does with it is the case.
"""
from __future__ import annotations

import atexit
import json
import os
import sys
import tempfile
from typing import Any, Callable, Dict, Iterable

from werkzeug.serving import run_simple

hits = {"count": 0}


def app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    hits["count"] += 1
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"%d" % hits["count"]]


def save() -> None:
    with open("saved.json", "w") as out:
        json.dump({"hits": hits["count"]}, out)


def prepare_shutdown() -> None:
    fd, scratch = tempfile.mkstemp(prefix="corpus-app-scratch-")
    os.close(fd)
    atexit.register(os.remove, scratch)
    atexit.register(save)
    with open("app.pid", "w") as out:
        out.write(str(os.getpid()))


def main() -> None:
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        prepare_shutdown()
    run_simple("127.0.0.1", int(sys.argv[1]), app, use_reloader=True, reloader_type="stat")


if __name__ == "__main__":
    main()
