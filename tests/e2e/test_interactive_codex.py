"""Interactive mode end to end with Codex: the real `codex` TUI in Podium's tmux, driven over
/ws/terminal/{agentId} against the scripted OpenAI Responses server.

Codex reports a finished turn through its `notify` program (`agent-turn-complete`, with the
thread id and the turn's answer), which Podium takes as `Stop`: idle, and the session id is set.
It has no hook for a submitted prompt, so Podium marks the agent busy itself whenever it
submits input (the first prompt, typed input ending in Enter, Continue): each turn shows as
`busy` then `idle`."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.fakes.openai_server import ScriptedOpenAI, last_prompt
from tests.support.jobs import wait_job
from tests.support.podium_process import PodiumServer, wait_until
from tests.support.terminal_viewer import Viewer, tmux_alive

MODEL = "codex-gpt-5.3-codex"
# Generous: two cores, and other test runs share them.
ANSWER_SEC = 60
START_SEC = 30


def start_codex_interactive(
    api: httpx.Client, model: ScriptedOpenAI, steps: list[dict[str, Any]]
) -> tuple[str, str, str]:
    """Create an interactive Codex job; returns (script name, job id, agent id)."""
    script = f"itx-codex-{uuid.uuid4().hex[:8]}"
    marker = model.add_script(script, steps)
    response = api.post(
        "/api/jobs",
        json={
            "description": f"Say the first answer. {marker}",
            "model": MODEL,
            "interactive": True,
        },
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

    agent_id: str = wait_until(agent, timeout=START_SEC, what="interactive codex agent started")
    return script, job_id, agent_id


def idles(viewer: Viewer) -> int:
    return viewer.activities().count("idle")


def steps_requested(model: ScriptedOpenAI, script: str) -> list[int | None]:
    return [r.step for r in model.log if r.script == script]


def prompt_of_last_request(model: ScriptedOpenAI, script: str) -> str:
    """The last prompt codex sent the model (the screen's text loses its spaces to cursor
    moves, so what was submitted is read from the request)."""
    return last_prompt(model.requests_for(script)[-1]["input"])


def test_interactive_codex_session_round_trip(
    codex_server: PodiumServer,
    codex_api: httpx.Client,
    openai_model: ScriptedOpenAI,
    viewers: list[Viewer],
) -> None:
    script, job_id, agent_id = start_codex_interactive(
        codex_api,
        openai_model,
        [
            {"text": "FIRST-ANSWER-ALPHA"},
            {"text": "SECOND-ANSWER-BETA"},
            {"text": "THIRD-ANSWER-DELTA"},
        ],
    )
    agent = codex_api.get(f"/api/agents/{agent_id}").json()
    assert agent["interactive"] is True and agent["provider"] == "codex"
    assert agent["status"] == "running"

    # Straight into work: no trust or first-run screen held the typed prompt back.
    first = Viewer(codex_server, agent_id)
    viewers.append(first)
    first.wait_for(lambda: bool(first.messages), "the hello message")
    hello = first.messages[0]
    assert hello["type"] == "hello" and hello["alive"] is True
    first.wait_for(
        lambda: first.shows("FIRST-ANSWER-ALPHA"), "the first answer", timeout=ANSWER_SEC
    )
    assert "Trustthisfolder" not in first.text().replace(" ", "")
    assert "Trust this folder" not in first.screen()
    # The finished turn reaches Podium through codex's notify program: idle, and the
    # session id is codex's thread id (the one it sends the model with every request).
    first.wait_for(
        lambda: (first.activities() or [hello["activity"]])[-1] == "idle",
        "idle after answer 1",
        timeout=ANSWER_SEC,
    )
    [thread] = {r.headers.get("thread-id") for r in openai_model.log if r.script == script}
    assert thread and codex_api.get(f"/api/agents/{agent_id}").json()["sessionId"] == thread
    assert steps_requested(openai_model, script) == [0]
    assert prompt_of_last_request(openai_model, script) == "Say the first answer."

    # Typed input (text and Enter in one message) is submitted, not left in the composer.
    done_turns = idles(first)
    first.send({"type": "resize", "cols": 150, "rows": 45})
    first.send({"type": "input", "data": "now the second one\r"})
    first.wait_for(
        lambda: first.shows("SECOND-ANSWER-BETA"), "the second answer", timeout=ANSWER_SEC
    )
    first.wait_for(lambda: idles(first) > done_turns, "idle after answer 2", timeout=ANSWER_SEC)
    assert first.activities()[-2:] == ["busy", "idle"], first.activities()
    assert steps_requested(openai_model, script) == [0, 1]
    assert prompt_of_last_request(openai_model, script) == "now the second one"
    assert codex_api.get(f"/api/jobs/{job_id}").json()["status"] == "running"

    # A viewer leaving does not stop the agent; a new one gets the screen back (scrollback),
    # at the size the first one set.
    first.close()
    second = Viewer(codex_server, agent_id)
    viewers.append(second)
    second.wait_for(lambda: bool(second.messages), "the hello message")
    second.wait_for(
        lambda: second.shows("SECOND-ANSWER-BETA") and second.shows("FIRST-ANSWER-ALPHA"),
        "scrollback on reconnect",
    )
    hello = second.messages[0]
    assert hello["alive"] is True and hello["activity"] == "idle"
    assert (hello["cols"], hello["rows"]) == (150, 45)
    assert tmux_alive(codex_server, agent_id)
    assert codex_api.get(f"/api/jobs/{job_id}").json()["status"] == "running"
    assert codex_api.get(f"/api/agents/{agent_id}").json()["activity"] == "idle"

    # Continue types the follow-up into the same live session (no new agent, same thread).
    done_turns = idles(second)
    continued = codex_api.post(f"/api/jobs/{job_id}/continue", json={"message": "and a third"})
    assert continued.status_code == 200, continued.text
    assert continued.json()["status"] == "running"
    second.wait_for(
        lambda: second.shows("THIRD-ANSWER-DELTA"),
        "the continued answer",
        timeout=ANSWER_SEC,
    )
    second.wait_for(lambda: idles(second) > done_turns, "idle after answer 3", timeout=ANSWER_SEC)
    assert second.activities()[-2:] == ["busy", "idle"], second.activities()
    assert steps_requested(openai_model, script) == [0, 1, 2]
    assert prompt_of_last_request(openai_model, script) == "and a third"
    agents = codex_api.get("/api/agents", params={"jobId": job_id}).json()
    assert [a["id"] for a in agents] == [agent_id]
    assert agents[0]["sessionId"] == thread

    # Cancel ends the session, the viewer is told, the job is cancelled.
    assert codex_api.post(f"/api/jobs/{job_id}/cancel").status_code == 200
    second.wait_for(lambda: {"type": "exit"} in second.messages, "exit message", timeout=30)
    wait_until(lambda: not tmux_alive(codex_server, agent_id), timeout=15, what="tmux gone")
    finished = wait_job(codex_api, job_id, timeout=30)
    assert finished["status"] == "cancelled", finished
    assert codex_api.get(f"/api/agents/{agent_id}").json()["status"] == "exited"


def test_interactive_codex_exit_finishes_the_job_with_its_last_answer(
    codex_server: PodiumServer,
    codex_api: httpx.Client,
    openai_model: ScriptedOpenAI,
    viewers: list[Viewer],
) -> None:
    _, job_id, agent_id = start_codex_interactive(
        codex_api, openai_model, [{"text": "ONLY-ANSWER-GAMMA"}]
    )
    viewer = Viewer(codex_server, agent_id)
    viewers.append(viewer)
    viewer.wait_for(
        lambda: viewer.shows("ONLY-ANSWER-GAMMA"), "the scripted answer", timeout=ANSWER_SEC
    )
    viewer.wait_for(
        lambda: (viewer.activities() or [viewer.messages[0]["activity"]])[-1] == "idle",
        "idle after the answer",
        timeout=ANSWER_SEC,
    )

    # /exit leaves the TUI: the job is done, its result the answer codex's notify reported.
    viewer.send({"type": "input", "data": "/exit\r"})
    viewer.wait_for(lambda: {"type": "exit"} in viewer.messages, "exit message", timeout=30)
    finished = wait_job(codex_api, job_id, timeout=30)
    assert finished["status"] == "done", finished
    assert finished["result"] == "ONLY-ANSWER-GAMMA"
    assert not tmux_alive(codex_server, agent_id)
