"""An idle `podium serve` does not wake up: no timer runs while nothing happens, before any
agent and after one has used the MCP server (whose streamed responses start a polling task in
sse-starlette unless Podium takes its place). Responses still carry a current Date header."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest

from tests.support.podium_process import PodiumServer, wait_until

SETTLE, WINDOW = 1.0, 3.0

# A stand-in for Claude Code: opens its MCP session the way the CLI does, then reports success.
STANDIN = r"""
import json, os, re, sys, urllib.request
args = sys.argv[1:]
server = json.loads(args[args.index("--mcp-config") + 1])["mcpServers"]["podium"]
headers = {k: re.sub(r"\$\{(\w+)\}", lambda m: os.environ[m.group(1)], v)
           for k, v in server["headers"].items()}
headers |= {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
def rpc(body):
    request = urllib.request.Request(server["url"], json.dumps(body).encode(), headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()
hello = {"protocolVersion": "2025-06-18", "capabilities": {},
         "clientInfo": {"name": "t", "version": "0"}}
rpc({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello})
assert b"lock_files" in rpc({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
print(json.dumps({"type": "system", "subtype": "init", "session_id": "s-1", "model": "m"}))
print(json.dumps({"type": "result", "subtype": "success", "is_error": False, "result": "ok",
                  "session_id": "s-1", "num_turns": 1, "total_cost_usd": 0}))
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PodiumServer]:
    standin = tmp_path / "claude-standin"
    standin.write_text(f"#!{sys.executable}\n{STANDIN}")
    standin.chmod(0o755)
    ignored = ("AUTH_TOKEN", "DB_PATH", "HOST", "SENTRY_DSN")
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env |= {"CLAUDE_BIN": str(standin), "PODIUM_AUTO_MODEL": "false"}
    process = PodiumServer(tmp_path / "data", env, cwd=tmp_path)
    process.start()
    yield process
    process.stop()


def wakeups(server: PodiumServer) -> int:
    """The event loop's wake-ups so far: its thread's voluntary context switches."""
    status = Path(f"/proc/{server.pid}/task/{server.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("voluntary_ctxt"))
    return int(line.split()[1])


def wakeups_while_idle(server: PodiumServer) -> int:
    time.sleep(SETTLE)
    before = wakeups(server)
    time.sleep(WINDOW)  # the window measured: nothing may wake the server in it
    return wakeups(server) - before


def test_an_idle_server_sleeps_before_and_after_an_agent(
    server: PodiumServer, tmp_path: Path
) -> None:
    assert wakeups_while_idle(server) <= 1

    with server.client() as api:
        response = api.get("/api/health")
        sent = parsedate_to_datetime(response.headers["date"]).timestamp()
        assert abs(sent - time.time()) < 5, "a current Date header"
        job = api.post("/api/jobs", json={"description": "idle", "workDir": str(tmp_path)})
        assert job.status_code == 201, job.text

        def finished() -> dict[str, str] | None:
            body: dict[str, str] = api.get(f"/api/jobs/{job.json()['id']}").json()
            return body if body["status"] in ("done", "failed") else None

        done = wait_until(finished, timeout=60, what="the stand-in agent's job")
        assert done["status"] == "done", server.log_text()
        wait_until(lambda: api.get("/api/health").json()["liveAgents"] == 0, timeout=20)

    assert wakeups_while_idle(server) <= 1, "the MCP session left nothing running"

    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 10, "SIGTERM still stops it promptly"
    assert server.proc is not None and server.proc.returncode is not None


def test_responses_keep_a_current_date(server: PodiumServer) -> None:
    with httpx.Client(base_url=server.url) as api:
        first = parsedate_to_datetime(api.get("/api/health").headers["date"])
        time.sleep(1.1)
        second = parsedate_to_datetime(api.get("/api/health").headers["date"])
    assert second > first
