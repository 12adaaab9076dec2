"""Agents outlive the server; bad input gets 4xx; foreign origins and tokens are refused."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, group_alive, running_agent, wait_job
from tests.support.podium_process import PodiumServer, wait_until


def test_agent_survives_server_kill_and_result_lands(
    server: PodiumServer, model: ScriptedAnthropic, tmp_path: Path
) -> None:
    # The agent's shell waits on a FIFO until the restarted server has re-attached to it (a
    # fixed sleep raced the restart, which takes longer than that on a loaded machine).
    release = tmp_path / "release"
    os.mkfifo(release)
    command = f"read line < {release}; echo survived-the-$line"
    marker = model.add_script(
        "survivor",
        [
            {"tool": "Bash", "input": {"command": command}},
            {"text": "outcome: {{last_result}}"},
        ],
    )
    with server.client() as api:
        job = create(api, description=f"survive {marker}")
        agent = running_agent(api, job["id"])
    server.kill()
    assert group_alive(agent["pid"]), "the agent keeps running without the server"
    server.start()
    with server.client() as api:
        assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "running"
        with release.open("w") as fifo:  # opens once the agent's shell reads it
            fifo.write("crash\n")
        done = wait_job(api, job["id"])
        assert done["status"] == "done" and "survived-the-crash" in done["result"]
        after = api.get(f"/api/agents/{agent['id']}").json()
        assert after["exitCode"] == 0 and after["numTurns"] == 2
        events = api.get(f"/api/agents/{agent['id']}/output").json()["events"]
        seqs = [event["seq"] for event in events]
        assert seqs == list(range(1, len(seqs) + 1)), "no event lost or doubled"
        assert api.get("/api/search", params={"q": "survived"}).json()


def test_agents_that_ended_while_server_was_down_are_finalised(
    server: PodiumServer, model: ScriptedAnthropic
) -> None:
    finishing = model.add_script(
        "ends-while-down", [{"text": "finished while nobody watched", "delay": 2}]
    )
    hanging = model.add_script("killed-while-down", [{"text": "never", "delay": 120}])
    with server.client() as api:
        finished_job = create(api, description=f"a {finishing}")
        killed_job = create(api, description=f"b {hanging}")
        finished_agent = running_agent(api, finished_job["id"])
        killed_agent = running_agent(api, killed_job["id"])
    server.kill()
    os.killpg(killed_agent["pid"], signal.SIGKILL)
    wait_until(lambda: not group_alive(finished_agent["pid"]), timeout=30)
    wait_until(lambda: not group_alive(killed_agent["pid"]), timeout=10)
    server.start()
    with server.client() as api:
        done = wait_job(api, finished_job["id"], timeout=10)
        assert done["status"] == "done" and done["result"] == "finished while nobody watched"
        failed = wait_job(api, killed_job["id"], timeout=10)
        assert failed["status"] == "failed" and "exited" in failed["statusReason"]
        assert api.get("/api/health").json()["liveAgents"] == 0


BAD_JOBS: list[tuple[dict[str, Any], str]] = [
    ({}, "description"),
    ({"description": "   "}, "description"),
    ({"description": "x", "priority": 11}, "priority"),
    ({"description": "x", "priority": "high"}, "priority"),
    ({"description": "x", "stopMode": "forever", "stopValue": 1}, "stopMode"),
    ({"description": "x", "stopMode": "budget"}, "stopValue"),
    ({"description": "x", "stopMode": "time", "stopValue": -1}, "stopValue"),
    ({"description": "x", "stopMode": "turns", "stopValue": 1.5}, "stopValue"),
    ({"description": "x", "dependsOn": ["job_nope"]}, "dependsOn"),
    ({"description": "x", "workDir": "/does/not/exist"}, "workDir"),
    ({"description": "x", "workDir": "/etc/hostname"}, "workDir"),
    ({"description": "x", "maxTurns": 0}, "maxTurns"),
    ({"description": "x", "projectId": "prj_nope"}, "projectId"),
    ({"description": "x", "completionChecks": ["vibes"]}, "completionChecks"),
    ({"description": "x", "scheduledAt": "tomorrow-ish"}, "scheduledAt"),
    ({"description": "x", "surprise": True}, "surprise"),
]


def test_bad_job_input_gets_a_clear_4xx(api: httpx.Client) -> None:
    for body, field in BAD_JOBS:
        response = api.post("/api/jobs", json=body)
        assert response.status_code == 422, (body, response.text)
        error = response.json()["error"]
        assert error["field"] == field, (body, error)
        assert error["message"] and error["code"] == "invalid"
    assert api.get("/api/jobs").json() == [], "nothing was created"


def test_other_bad_requests(api: httpx.Client) -> None:
    assert api.get("/api/jobs/job_missing").json()["error"]["code"] == "not_found"
    assert api.get("/api/jobs/job_missing").status_code == 404
    assert api.post("/api/jobs/job_missing/cancel").status_code == 404
    assert api.get("/api/agents/ag_missing/output").status_code == 404
    raw = api.post("/api/jobs", content=b"{not json", headers={"content-type": "application/json"})
    assert raw.status_code == 422 and raw.json()["error"]["code"] == "invalid"
    assert api.put("/api/settings", json={"maxConcurrentAgents": 0}).status_code == 422
    assert api.get("/api/search", params={"q": 'NEAR( "unbalanced'}).status_code == 200
    assert api.get("/api/jobs", params={"limit": 0}).status_code == 422


def test_foreign_origin_and_host_are_refused(api: httpx.Client, server: PodiumServer) -> None:
    evil = api.post(
        "/api/jobs", json={"description": "pwn"}, headers={"Origin": "http://evil.example"}
    )
    assert evil.status_code == 403 and evil.json()["error"]["code"] == "forbidden_origin"
    other_port = api.post(
        "/api/jobs", json={"description": "pwn"}, headers={"Origin": "http://localhost:9"}
    )
    assert other_port.status_code == 403
    rebinding = api.get("/api/jobs", headers={"Host": "attacker.example:3456"})
    assert rebinding.status_code == 403
    own = api.put(
        "/api/settings",
        json={"maxConcurrentAgents": 5},
        headers={"Origin": f"http://127.0.0.1:{server.port}"},
    )
    assert own.status_code == 200
    assert api.get("/api/jobs").json() == [], "the refused requests created nothing"


def test_auth_token_protects_everything(make_server: Callable[..., PodiumServer]) -> None:
    server = make_server(AUTH_TOKEN="s3cret-token")
    with server.client() as anonymous:
        assert anonymous.get("/api/health").status_code == 200
        assert anonymous.get("/api/jobs").status_code == 401
        assert anonymous.post("/api/jobs", json={"description": "x"}).status_code == 401
    with server.client(headers={"Authorization": "Bearer wrong"}) as wrong:
        assert wrong.get("/api/jobs").status_code == 401
    with server.client(headers={"Authorization": "Bearer s3cret-token"}) as api:
        assert api.get("/api/jobs").status_code == 200
