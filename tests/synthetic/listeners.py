"""Synthetic: a TCP server left listening (leak) or closed (clean)."""

import socketserver
import sys

from harness import child

with child.listeners_left("server"):
    address = ("127.0.0.1", child.free_port())
    server = socketserver.TCPServer(address, socketserver.BaseRequestHandler)
    child.trigger("a TCP server listening on 127.0.0.1")
    if sys.argv[1] == "clean":
        server.server_close()
