"""A tiny HTTP server standing in for Podium's lock-hook endpoint, answering POST /<mode> with
one scripted reply (a yes, a no, garbage, `null`, half a body, an error status, or silence), so
tests can show the lock hook fails closed on each."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODIES = {
    "allow": b'{"allowed": true, "message": ""}',
    "deny": b'{"allowed": false, "message": "a.txt is locked by agent ag_1"}',
    "garbage": b"<html>502 Bad Gateway</html>",
    "null": b"null",
    "stringly": b'{"allowed": "yes"}',
    "empty": b"",
    "error": b'{"allowed": true}',
    # A Content-Length larger than what is sent, then the connection closes.
    "half": b'{"allowed": tr',
}


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = self.path.strip("/")
        if mode == "silent":
            self.release.wait(30)
            return
        body = BODIES.get(mode, b"{}")
        status = b"500 Internal Server Error" if mode == "error" else b"200 OK"
        length = len(body) + (100 if mode == "half" else 0)
        self.wfile.write(
            b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(length).encode() + b"\r\nConnection: close\r\n\r\n" + body
        )
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def hook_replies() -> Iterator[str]:
    """Yields the server's base URL; `<url>/<mode>` answers as that mode says."""
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
