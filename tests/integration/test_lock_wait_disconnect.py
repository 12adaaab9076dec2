"""A REST lock wait (`podium lock acquire --wait`) ends when its client goes away: the real
server, a raw HTTP connection that is dropped while it waits."""

from __future__ import annotations

import json
import os
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.podium_process import PodiumServer, wait_until


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PodiumServer]:
    ignored = ("AUTH_TOKEN", "DB_PATH", "HOST", "SENTRY_DSN")
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env["PODIUM_AUTO_MODEL"] = "false"
    process = PodiumServer(tmp_path / "data", env, cwd=tmp_path)
    process.start()
    yield process
    process.stop()


def closes_a_cycle(api: httpx.Client, files: list[str], owner: str) -> bool:
    """Would `owner` waiting for `files` close a wait cycle? Refused at once (409) if so, which
    shows who is waiting without taking anything; otherwise it times out (408) at once."""
    body = {"files": files, "owner": owner, "timeoutSec": 0.05}
    response = api.post("/api/locks", json=body)
    assert response.status_code in (408, 409), response.text
    return response.status_code == 409


def start_waiting(server: PodiumServer, held: str, mine: str, api: httpx.Client) -> socket.socket:
    """A raw connection whose POST /api/locks waits for `held`. The probe makes the holder wait
    for a moment too, so a request that arrives during a probe is refused as a deadlock: then
    it is sent again."""
    body = json.dumps({"files": [held], "owner": "waiter", "timeoutSec": 600}).encode()
    request = (
        b"POST /api/locks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        waiter = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        waiter.sendall(request)
        while time.monotonic() < deadline:
            if closes_a_cycle(api, [mine], "holder"):
                return waiter  # it waits: the holder asking for its file would close a cycle
            if select.select([waiter], [], [], 0)[0]:
                answer = waiter.recv(5000)
                assert b" 409 " in answer, answer  # refused during a probe: send it again
                waiter.close()
                break
    raise AssertionError("the waiting request never waited")


def test_a_waiting_acquire_is_dropped_with_its_connection(
    server: PodiumServer, tmp_path: Path
) -> None:
    held, mine = str(tmp_path / "held.py"), str(tmp_path / "mine.py")
    with server.client() as api:
        assert api.post("/api/locks", json={"files": [held], "owner": "holder"}).is_success
        assert api.post("/api/locks", json={"files": [mine], "owner": "waiter"}).is_success

        # The waiter asks for the holder's file and waits, on a connection of its own.
        waiter = start_waiting(server, held, mine, api)
        waiter.close()  # the person pressed Ctrl-C
        wait_until(
            lambda: not closes_a_cycle(api, [mine], "holder"), timeout=20, what="wait dropped"
        )

        # Released now, the file goes to nobody: the waiter is gone.
        released = api.post("/api/locks/release", json={"files": [held], "owner": "holder"})
        assert released.json() == [held]
        owners = {lock["path"]: lock["agentId"] for lock in api.get("/api/locks").json()}
        assert owners == {mine: "human:waiter"}
