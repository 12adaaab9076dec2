"""Health warnings end to end: a real `claude` agent goes quiet while the scripted model takes
its time, and nears its turn cap; the warnings show on the agent (REST and /ws) and go away."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from websockets.sync.client import connect

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, running_agent, wait_job
from tests.support.podium_process import PodiumServer, wait_until


def test_stalled_and_high_turn_warnings(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    server = make_server(PODIUM_STALL_WARNING_SEC="3")
    marker = model.add_script(
        "health",
        [
            {"tool": "Bash", "input": {"command": "echo one"}},
            {"tool": "Bash", "input": {"command": "echo two"}},
            {"tool": "Bash", "input": {"command": "echo three"}},
            # The model thinks for a while: no output, so the agent reads as stalled.
            {"tool": "Bash", "input": {"command": "sleep 1"}, "delay": 9},
            {"text": "finished after a pause"},
        ],
    )
    with server.client() as api, connect(f"ws://127.0.0.1:{server.port}/ws") as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "snapshot"
        job = create(api, description=f"Be slow {marker}", stopMode="turns", stopValue=5)
        agent = running_agent(api, job["id"])

        def stalled() -> list[dict[str, Any]] | None:
            warnings: list[dict[str, Any]] = api.get(f"/api/agents/{agent['id']}").json()[
                "warnings"
            ]
            return warnings if any(w["kind"] == "stalled" for w in warnings) else None

        warnings = wait_until(stalled, timeout=30, what="a stalled warning")
        stall = next(w for w in warnings if w["kind"] == "stalled")
        assert stall["message"] == "no output for 3 s" and stall["since"]

        # Every change of the agent's warnings reached /ws, in order.
        seen: list[list[str]] = []
        said: set[str] = set()
        statuses: set[str] = set()
        deadline = time.monotonic() + 60
        while "done" not in statuses and time.monotonic() < deadline:
            message = json.loads(socket.recv(timeout=30))
            data = message["data"]
            ours = message["type"] == "agent.updated" and data.get("id") == agent["id"]
            if ours and "warnings" in data:
                seen.append(sorted(w["kind"] for w in data["warnings"]))
                said.update(w["message"] for w in data["warnings"])
            if message["type"] == "job.updated" and data["id"] == job["id"]:
                statuses.add(data["status"])

        finished = wait_job(api, job["id"])
        assert finished["status"] == "done", finished
        assert finished["result"] == "finished after a pause"
        # Quiet, then the model's answer clears the stall and uses a fourth turn of five: near
        # the cap. All gone at exit.
        # (A loaded machine may add a stall between turns; the order below always holds.)
        first_stall = seen.index(["stalled"])
        assert any("stalled" not in kinds for kinds in seen[first_stall + 1 :]), seen
        assert any("high_turns" in kinds for kinds in seen), seen
        assert seen[-1] == [], seen
        assert said == {"no output for 3 s", "4 of 5 turns used"}
        done_agent = api.get(f"/api/agents/{agent['id']}").json()
        assert done_agent["warnings"] == [] and done_agent["maxTurns"] == 5


def test_a_restarted_server_still_knows_the_agent_is_stalled(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    server = make_server(PODIUM_STALL_WARNING_SEC="3")
    marker = model.add_script("health-restart", [{"text": "late but here", "delay": 15}])

    def kinds(api: Any, agent_id: str) -> set[str]:
        return {w["kind"] for w in api.get(f"/api/agents/{agent_id}").json()["warnings"]}

    with server.client() as api:
        job = create(api, description=f"Think long {marker}")
        agent_id = running_agent(api, job["id"])["id"]
        wait_until(lambda: "stalled" in kinds(api, agent_id), timeout=20, what="stalled")

    server.kill()
    server.start()
    with server.client() as api:
        # Counted from the last output stored before the restart, not from the restart: the
        # agent is stalled as soon as the server answers again.
        assert kinds(api, agent_id) == {"stalled"}
        finished = wait_job(api, job["id"])
        assert finished["status"] == "done" and finished["result"] == "late but here"
        assert kinds(api, agent_id) == set()
