"""Interactive mode end to end: the real `claude` TUI in Podium's tmux, driven over
/ws/terminal/{agentId} against the scripted model."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import wait_job
from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.podium_process import PodiumServer, wait_until

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


class Viewer:
    """One terminal WebSocket: collects the screen bytes and the JSON messages it receives."""

    def __init__(self, server: PodiumServer, agent_id: str) -> None:
        url = f"ws://127.0.0.1:{server.port}/ws/terminal/{agent_id}"
        self._stack = contextlib.ExitStack()
        self.socket: ClientConnection = self._stack.enter_context(connect(url, open_timeout=10))
        self.raw = b""
        self.messages: list[dict[str, Any]] = []

    def text(self) -> str:
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    def pump(self, timeout: float = 0.2) -> None:
        try:
            frame = self.socket.recv(timeout=timeout)
        except TimeoutError:
            return
        if isinstance(frame, bytes):
            self.raw += frame
        else:
            self.messages.append(json.loads(frame))

    def wait_for(self, predicate: Any, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            self.pump()
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.text()[-3000:]}")

    def activities(self) -> list[str]:
        return [m["activity"] for m in self.messages if m.get("type") == "activity"]

    def send(self, message: dict[str, Any]) -> None:
        self.socket.send(json.dumps(message))

    def close(self) -> None:
        self._stack.close()


def tmux(server: PodiumServer, *args: str) -> subprocess.CompletedProcess[str]:
    """Ask the server's tmux (its own socket) directly, not through Podium."""
    return subprocess.run(
        ["tmux", "-S", str(server.data_dir / "tmux.sock"), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def pane_size(server: PodiumServer, agent_id: str) -> tuple[int, int]:
    """The agent's tmux window size, as tmux has it."""
    done = tmux(
        server,
        "display-message",
        "-p",
        "-t",
        f"=podium-{agent_id}:",
        "#{window_width} #{window_height}",
    )
    done.check_returncode()
    cols, rows = done.stdout.split()
    return int(cols), int(rows)


def tmux_alive(server: PodiumServer, agent_id: str) -> bool:
    return tmux(server, "has-session", "-t", f"=podium-{agent_id}").returncode == 0


def live_agents(server: PodiumServer) -> dict[str, dict[str, Any]]:
    """The live agents of a fresh /ws snapshot, by id."""
    with connect(f"ws://127.0.0.1:{server.port}/ws", open_timeout=10) as socket:
        snapshot = json.loads(socket.recv(timeout=10))
    assert snapshot["type"] == "snapshot"
    return {agent["id"]: agent for agent in snapshot["data"]["agents"]}


def start_interactive(
    api: httpx.Client, model: ScriptedAnthropic, steps: list[dict[str, Any]]
) -> tuple[str, str]:
    marker = model.add_script(f"itx-{uuid.uuid4().hex[:8]}", steps)
    response = api.post(
        "/api/jobs",
        json={"description": f"Say the first answer. {marker}", "interactive": True},
    )
    assert response.status_code == 201, response.text
    job_id = response.json()["id"]

    def agent() -> str | None:
        job = api.get(f"/api/jobs/{job_id}").json()
        return job["currentAgentId"] if job["status"] == "running" else None

    agent_id: str = wait_until(agent, timeout=20, what="interactive agent started")
    return job_id, agent_id


@pytest.fixture
def viewers() -> Iterator[list[Viewer]]:
    opened: list[Viewer] = []
    yield opened
    for viewer in opened:
        viewer.close()


def test_interactive_session_round_trip(
    server: PodiumServer, api: httpx.Client, model: ScriptedAnthropic, viewers: list[Viewer]
) -> None:
    job_id, agent_id = start_interactive(
        api,
        model,
        [
            {"text": "FIRST-ANSWER-ALPHA"},
            {"text": "SECOND-ANSWER-BETA"},
            {"text": "THIRD-ANSWER-DELTA to {{prompt}}"},
        ],
    )
    agent = api.get(f"/api/agents/{agent_id}").json()
    assert agent["interactive"] is True and agent["status"] == "running"

    # The prompt was typed in for us; the answer shows on the terminal.
    first = Viewer(server, agent_id)
    viewers.append(first)
    first.wait_for(lambda: "FIRST-ANSWER-ALPHA" in first.text(), "the scripted first answer")
    hello = first.messages[0]
    assert hello["type"] == "hello" and hello["alive"] is True
    # Idle is reported by Claude's Stop hook, not read off the screen.
    first.wait_for(
        lambda: (first.activities() or [hello["activity"]])[-1] == "idle", "idle after answer 1"
    )

    # Typed input reaches the TUI: busy while it answers, idle once done.
    first.send({"type": "resize", "cols": 150, "rows": 45})
    first.send({"type": "input", "data": "now the second one\r"})
    first.wait_for(lambda: "SECOND-ANSWER-BETA" in first.text(), "the scripted second answer")
    first.wait_for(lambda: first.activities()[-2:] == ["busy", "idle"], "busy -> idle")
    job = api.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "running"

    # A viewer leaving does not stop the agent, and the pane's output is no longer copied.
    first.close()
    raw = server.data_dir / "terminals" / f"{agent_id}.raw"
    wait_until(lambda: raw.stat().st_size == 0, timeout=10, what="raw output emptied")
    assert tmux_alive(server, agent_id)
    assert api.get(f"/api/jobs/{job_id}").json()["status"] == "running"

    # A new viewer gets the screen back (scrollback), at the size it was resized to.
    second = Viewer(server, agent_id)
    viewers.append(second)
    second.wait_for(lambda: "SECOND-ANSWER-BETA" in second.text(), "scrollback on reconnect")
    assert "FIRST-ANSWER-ALPHA" in second.text()
    assert second.messages[0]["activity"] == "idle"
    assert (second.messages[0]["cols"], second.messages[0]["rows"]) == (150, 45)

    # Several viewers: the pane takes the smallest size among them, and grows back when the
    # smaller one leaves.
    second.send({"type": "resize", "cols": 150, "rows": 45})
    third = Viewer(server, agent_id)
    viewers.append(third)
    third.wait_for(lambda: "SECOND-ANSWER-BETA" in third.text(), "the third viewer's screen")
    third.send({"type": "resize", "cols": 100, "rows": 50})
    wait_until(lambda: pane_size(server, agent_id) == (100, 45), timeout=10, what="smallest size")
    third.close()
    wait_until(lambda: pane_size(server, agent_id) == (150, 45), timeout=10, what="size regrown")
    assert api.get(f"/api/agents/{agent_id}").json()["activity"] == "idle"
    # The dashboard's /ws snapshot carries the live agent and its activity (blue card on load).
    assert live_agents(server)[agent_id]["activity"] == "idle"

    # Continue types the follow-up into the same live session (no new agent run).
    continued = api.post(f"/api/jobs/{job_id}/continue", json={"message": "and a third"})
    assert continued.status_code == 200 and continued.json()["status"] == "running"
    second.wait_for(lambda: "THIRD-ANSWER-DELTA" in second.text(), "the continued answer")
    assert [a["id"] for a in api.get("/api/agents", params={"jobId": job_id}).json()] == [agent_id]

    # Cancel ends the session, the viewer is told, the job is cancelled.
    assert api.post(f"/api/jobs/{job_id}/cancel").status_code == 200
    second.wait_for(lambda: {"type": "exit"} in second.messages, "exit message", timeout=20)
    wait_until(lambda: not tmux_alive(server, agent_id), timeout=10, what="tmux session gone")
    finished = wait_job(api, job_id, timeout=20)
    assert finished["status"] == "cancelled"
    agent = api.get(f"/api/agents/{agent_id}").json()
    assert agent["status"] == "exited"
    assert agent_id not in live_agents(server)


def test_exit_finishes_the_job_and_survives_a_restart(
    server: PodiumServer, api: httpx.Client, model: ScriptedAnthropic, viewers: list[Viewer]
) -> None:
    job_id, agent_id = start_interactive(api, model, [{"text": "ONLY-ANSWER-GAMMA"}])
    first = Viewer(server, agent_id)
    viewers.append(first)
    first.wait_for(lambda: "ONLY-ANSWER-GAMMA" in first.text(), "the scripted answer")
    first.close()

    # The server dies; the TUI does not, and the restarted server picks it up again.
    server.kill()
    assert tmux_alive(server, agent_id)
    server.start()
    with server.client() as client:
        assert client.get(f"/api/jobs/{job_id}").json()["status"] == "running"
        again = Viewer(server, agent_id)
        viewers.append(again)
        again.wait_for(lambda: "ONLY-ANSWER-GAMMA" in again.text(), "screen after restart")

        # /exit ends the session: the job is done with the last answer as its result.
        again.send({"type": "input", "data": "/exit"})
        time.sleep(0.3)
        again.send({"type": "input", "data": "\r"})
        again.wait_for(lambda: {"type": "exit"} in again.messages, "exit message", timeout=20)
        finished = wait_job(client, job_id, timeout=20)
        assert finished["status"] == "done", finished
        assert not tmux_alive(server, agent_id)
