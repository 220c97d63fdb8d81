"""The HTTP side of the shared in-app NiceGUI driver (cases/_shared/nicegui_server.py): it waits
until the port accepts connections, and gives up with the connection error after its timeout."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import time

import pytest

from cases._shared import nicegui_server


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(204 if self.path == "/empty" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_listening_returns_once_the_port_serves_and_get_gives_the_status() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        asyncio.run(nicegui_server.listening(port, timeout=5))
        assert nicegui_server.get(port, "/", timeout=5) == 200
        assert nicegui_server.get(port, "/empty", timeout=5) == 204
    finally:
        server.shutdown()
        server.server_close()


def test_listening_on_a_closed_port_raises_after_its_timeout() -> None:
    with socket.socket() as sock:  # a port nothing listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(OSError):
        asyncio.run(nicegui_server.listening(port, timeout=0.3))
    assert time.monotonic() - started >= 0.3  # it kept trying until then
