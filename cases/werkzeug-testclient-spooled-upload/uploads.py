"""What the werkzeug-testclient-spooled-upload reproducers share: the upload, the app's view of
it, and the measurement.

``measure(post)`` sends one small warm-up upload, then ``UPLOADS`` uploads of ``SIZE`` bytes
(above the test client's 500 KB spool threshold, so the client writes each request body to a
``TemporaryFile``) through ``post(data, size)``, with the garbage collector off, each inside
``with ... as response`` so the response is closed the documented way. It records:

- ``fds`` (label ``uploads``): descriptors before the uploads and after them, before any
  collection (probe ``open_fds``);
- the ResourceWarnings of the request bodies, raised by ``gc.collect()`` inside
  ``child.capture_warnings`` (probe ``warnings``);
- the control ``body-read-from-file`` (``-socket`` for the real server): the app read every
  upload whole from a ``wsgi.input`` of that kind (a regular file: the spooled body exists,
  so the trigger ran), and the control
  ``fds-channel-live``: while the app handled the first upload the process had more
  descriptors than before (the count sees the open body or connection);
- the path records: ``body-spooled-to-file`` when every request body was a regular file (the
  test client spooled it), ``form-part-spooled-to-file`` when Werkzeug's form parser had put
  every upload's file part on disk (what the real server must close with the request).
"""
from __future__ import annotations

import gc
import io
import os
import stat
from typing import Any, Callable, Dict, List

from harness import child

SIZE = 2 * 1024 * 1024
UPLOADS = 20
PAYLOAD = os.urandom(SIZE)
seen: List[Dict[str, Any]] = []


def upload_data(size: int) -> Dict[str, Any]:
    """The form a test posts: one file field of ``size`` bytes."""
    return {"file": (io.BytesIO(PAYLOAD[:size]), "upload.bin")}


def body_kind(stream: Any) -> str:
    """``file`` (a regular file on disk), ``socket`` or ``memory``: where the body came from."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return "memory"
    return "file" if stat.S_ISREG(mode) else "socket"


def part_kind(stream: Any) -> str:
    """``file`` or ``memory``: where the form parser kept a file part. A SpooledTemporaryFile
    is read by its flag, since asking for its ``fileno()`` would move it to disk."""
    rolled = getattr(stream, "_rolled", None)
    if rolled is not None:
        return "file" if rolled else "memory"
    return body_kind(stream)


def note_request(environ: Dict[str, Any], part: Any) -> str:
    """Called by the app for each upload with its form file part: where the request body and
    the part were, and what arrived."""
    received = len(part.read())
    stream = environ["wsgi.input"]
    seen.append(
        {
            "input": type(stream).__name__,
            "kind": body_kind(stream),
            "part": part_kind(part.stream),
            "received": received,
            "fds": child.open_fds(),  # while the body is open
        }
    )
    return "received %d" % received


def measure(
    post: Callable[[Dict[str, Any], int], Any],
    versions: Dict[str, str],
    kind: str = "file",
    settle: Callable[[], None] = lambda: None,
) -> None:
    """Run the uploads through ``post``; ``kind`` is where each body must have come from (the
    trigger), ``settle`` runs before the descriptors are counted again (a server finishing)."""
    child.record("versions", versions)
    child.record("variant", child.variant())
    workaround = child.workaround()
    child.record("workaround", workaround is not None)
    with child.capture_warnings():
        post(upload_data(1024), 1024)  # warm-up: imports, lazily opened files
        gc.collect()
        gc.disable()
        try:
            before = child.open_fds()
            del seen[:]
            for _ in range(UPLOADS):
                response = post(upload_data(SIZE), SIZE)
                with response:
                    if workaround is not None:
                        workaround.close_upload_on_close(response)
                    assert response.status_code == 200, response.status_code
                del response
            settle()
            after = child.open_fds()
        finally:
            gc.enable()
        spooled = len(seen) == UPLOADS and all(
            s["kind"] == kind and s["received"] == SIZE for s in seen
        )
        if spooled:
            what = "%d uploads of %d bytes, each body read from a %s" % (UPLOADS, SIZE, kind)
            child.trigger(what)
        uploaded = len(seen) == UPLOADS
        if uploaded and all(s["kind"] == "file" for s in seen):
            child.reached("body-spooled-to-file", "the test client spooled each of the %d "
                          "request bodies of %d bytes to a file" % (UPLOADS, SIZE))
        if uploaded and all(s["part"] == "file" for s in seen):
            child.reached("form-part-spooled-to-file", "Werkzeug's form parser put the file part "
                          "of each of the %d uploads of %d bytes on disk" % (UPLOADS, SIZE))
        child.fds("uploads", before, after)
        during = seen[0]["fds"] if seen else -1
        child.record("uploads", {"before": before, "during_first": during, "after": after})
        child.record("requests_seen", seen[:3])
        child.control("body-read-from-%s" % kind, spooled)
        child.control("fds-channel-live", during > before)
        gc.collect()
    child.record("after_collect", child.open_fds())
