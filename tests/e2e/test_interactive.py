"""Interactive mode end to end: the real `claude` TUI in Podium's tmux, driven over
/ws/terminal/{agentId} against the scripted model."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
from websockets.sync.client import connect

from podium.demo.scripted_anthropic import last_prompt
from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import wait_job
from tests.support.podium_process import PodiumServer, wait_until
from tests.support.terminal_viewer import Viewer, pane_size, tmux_alive


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
        agent_id = job["currentAgentId"] if job["status"] == "running" else None
        # The agent is "starting" while its work tree is snapshotted, then its TUI starts.
        if agent_id and api.get(f"/api/agents/{agent_id}").json()["status"] != "starting":
            return str(agent_id)
        return None

    agent_id: str = wait_until(agent, timeout=20, what="interactive agent started")
    return job_id, agent_id


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
    first.wait_to_show("FIRST-ANSWER-ALPHA", "the scripted first answer")
    hello = first.messages[0]
    assert hello["type"] == "hello" and hello["alive"] is True
    # Idle is reported by Claude's Stop hook, not read off the screen.
    first.wait_for(
        lambda: (first.activities() or [hello["activity"]])[-1] == "idle", "idle after answer 1"
    )

    # Typed input reaches the TUI: busy while it answers, idle once done.
    first.send({"type": "resize", "cols": 150, "rows": 45})
    first.send({"type": "input", "data": "now the second one\r"})
    first.wait_to_show("SECOND-ANSWER-BETA", "the scripted second answer")
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
    second.wait_to_show("SECOND-ANSWER-BETA", "scrollback on reconnect")
    assert second.shows("FIRST-ANSWER-ALPHA")
    assert second.messages[0]["activity"] == "idle"
    assert (second.messages[0]["cols"], second.messages[0]["rows"]) == (150, 45)

    # Several viewers: the pane takes the smallest size among them, and grows back when the
    # smaller one leaves.
    second.send({"type": "resize", "cols": 150, "rows": 45})
    third = Viewer(server, agent_id)
    viewers.append(third)
    third.wait_to_show("SECOND-ANSWER-BETA", "the third viewer's screen")
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
    second.wait_to_show("THIRD-ANSWER-DELTA", "the continued answer")
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
    first.wait_to_show("ONLY-ANSWER-GAMMA", "the scripted answer")
    first.close()

    # The server dies; the TUI does not, and the restarted server picks it up again.
    server.kill()
    assert tmux_alive(server, agent_id)
    server.start()
    with server.client() as client:
        assert client.get(f"/api/jobs/{job_id}").json()["status"] == "running"
        again = Viewer(server, agent_id)
        viewers.append(again)
        again.wait_to_show("ONLY-ANSWER-GAMMA", "screen after restart")

        # /exit ends the session: the job is done with the last answer as its result.
        again.send({"type": "input", "data": "/exit"})
        time.sleep(0.3)
        again.send({"type": "input", "data": "\r"})
        again.wait_for(lambda: {"type": "exit"} in again.messages, "exit message", timeout=20)
        finished = wait_job(client, job_id, timeout=20)
        assert finished["status"] == "done", finished
        assert not tmux_alive(server, agent_id)


def _prompts(model: ScriptedAnthropic, marker: str) -> list[str]:
    """The user prompts Claude sent in the conversation that carries `marker`, in order."""
    bodies = [body for body in model.requests if marker in json.dumps(body)]
    return [last_prompt(body["messages"]) for body in bodies] if bodies else []


def test_semicolons_and_a_128_kib_continue_reach_the_tui(
    server: PodiumServer, api: httpx.Client, model: ScriptedAnthropic, viewers: list[Viewer]
) -> None:
    job_id, agent_id = start_interactive(
        api,
        model,
        [{"text": "READY-EPSILON"}, {"text": "TYPED-ZETA"}, {"text": "LONG-ETA"}],
    )
    marker = api.get(f"/api/jobs/{job_id}").json()["description"].split()[-1]
    viewer = Viewer(server, agent_id)
    viewers.append(viewer)
    viewer.wait_to_show("READY-EPSILON", "the first answer")
    viewer.wait_for(lambda: api.get(f"/api/agents/{agent_id}").json()["activity"] == "idle", "idle")

    # A `;` at the end of a typed chunk is a character, not tmux syntax.
    viewer.send({"type": "input", "data": "echo one;"})
    viewer.send({"type": "input", "data": "two;"})
    viewer.send({"type": "input", "data": "\r"})
    viewer.wait_to_show("TYPED-ZETA", "the answer to the typed line")
    assert _prompts(model, marker)[-1] == "echo one;two;"

    # A 128 KiB follow-up is pasted whole and submitted; the request returns at once.
    line = "a line of a long follow-up; with $HOME, #{pane_id} and 'quotes' "
    message = "".join(f"{i:05d} {line}\n" for i in range(128 * 1024 // len(line) + 1)) + "end;"
    assert len(message.encode()) > 128 * 1024
    continued = api.post(f"/api/jobs/{job_id}/continue", json={"message": message})
    assert continued.status_code == 200, continued.text[:500]
    viewer.wait_to_show("LONG-ETA", "the answer to the long follow-up", timeout=60)
    assert _prompts(model, marker)[-1] == message
