"""SENTRY_DSN: Podium's errors reach a Sentry endpoint (here a local one standing in for
Sentry's ingest API), with nothing that could carry a credential. The reporting process is a
separate interpreter, so the SDK's global client never leaks into other tests."""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET = "sk-podium-secret-0123456789"

REPORTER = f"""
import logging, sentry_sdk
from podium.config import Settings
from podium.error_tracking import start_error_tracking

assert start_error_tracking(Settings())
logging.getLogger("podium.agents.runner").error("could not store agent output: disk full")
sentry_sdk.capture_event({{
    "message": "request failed",
    "level": "error",
    "request": {{
        "method": "GET",
        "url": "http://127.0.0.1:3456/ws?token={SECRET}",
        "query_string": "token={SECRET}",
        "headers": {{"Authorization": "Bearer {SECRET}", "X-Agent-Token": "{SECRET}"}},
        "cookies": {{"session": "{SECRET}"}},
        "data": {{"description": "{SECRET}"}},
    }},
}})

# A request that fails inside the real app, with AUTH_TOKEN in its header: every frame on the
# way (the request guard holds the headers in a local) is part of the reported exception.
from fastapi.testclient import TestClient
from podium.app import create_app

settings = Settings()
app = create_app(settings)

@app.post("/api/fails")
async def fails() -> None:
    token_in_a_local = settings.auth_token
    raise RuntimeError("the route failed")

with TestClient(app, base_url="http://127.0.0.1:3456", raise_server_exceptions=False) as client:
    answer = client.post("/api/fails", headers={{"Authorization": "Bearer {SECRET}"}})
    assert answer.status_code == 500, answer.text
sentry_sdk.flush(timeout=10)
"""


class _Ingest(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def ingest() -> Iterator[tuple[str, list[bytes]]]:
    _Ingest.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ingest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_address[1]}/42", _Ingest.received
    finally:
        server.shutdown()


def test_errors_are_reported_without_credentials(
    ingest: tuple[str, list[bytes]], tmp_path: object
) -> None:
    dsn, received = ingest
    done = subprocess.run(
        [sys.executable, "-c", REPORTER],
        env={
            "SENTRY_DSN": dsn,
            "PATH": "/usr/bin:/bin",
            "PODIUM_DATA_DIR": str(tmp_path),
            "AUTH_TOKEN": SECRET,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sent = b"\n".join(received)
    assert b"could not store agent output: disk full" in sent, "a logged error is reported"
    assert b"request failed" in sent and b"/ws" in sent, "the failing request is named"
    assert b"the route failed" in sent and b"/api/fails" in sent, "the app's error is reported"
    assert SECRET.encode() not in sent, (
        "the token appears nowhere in any event: not in headers, cookies, query strings, "
        "bodies, nor in the local variables of a frame"
    )


def test_without_a_dsn_nothing_starts(tmp_path: object) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from podium.config import Settings; from podium.error_tracking import "
            "start_error_tracking; import sentry_sdk; assert not start_error_tracking("
            "Settings()); assert not sentry_sdk.get_client().is_active()",
        ],
        env={"PATH": "/usr/bin:/bin", "PODIUM_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
