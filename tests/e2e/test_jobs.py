"""The engine end to end: real `podium serve`, real `claude`, scripted model."""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from jsonschema import Draft202012Validator
from websockets.sync.client import connect

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import agents_of, create, group_alive, running_agent, wait_job
from tests.support.podium_process import PodiumServer, wait_until


def test_job_result_cost_turns_output_and_search(
    api: httpx.Client, model: ScriptedAnthropic, server: PodiumServer
) -> None:
    marker = model.add_script(
        "basic",
        [
            {"tool": "Bash", "input": {"command": "echo zanzibar-from-bash"}},
            {
                "text": "Finished: the shell said {{last_result}}",
                "usage": {"input_tokens": 2000, "output_tokens": 300},
            },
        ],
    )
    job = create(api, description=f"Run the check {marker}", priority=3)
    assert job["status"] == "queued" and job["title"].startswith("Run the check")
    done = wait_job(api, job["id"])
    assert done["status"] == "done", done
    assert "zanzibar-from-bash" in done["result"]
    assert done["costUsd"] > 0
    [agent] = agents_of(api, job["id"])
    assert agent["numTurns"] == 2 and agent["status"] == "exited" and agent["exitCode"] == 0
    assert agent["inputTokens"] >= 2000 and agent["sessionId"]
    assert agent["costUsd"] == done["costUsd"]

    page = api.get(f"/api/agents/{agent['id']}/output").json()
    kinds = [event["kind"] for event in page["events"]]
    assert kinds[0] == "init" and "tool_use" in kinds and "tool_result" in kinds
    assert kinds[-1] == "result"
    later = api.get(f"/api/agents/{agent['id']}/output", params={"after": 2}).json()
    assert [e["seq"] for e in later["events"]] == [e["seq"] for e in page["events"][2:]]

    hits = api.get("/api/search", params={"q": "zanzibar"}).json()
    assert hits and hits[0]["jobId"] == job["id"] and "[zanzibar" in hits[0]["snippet"]

    usage = api.get("/api/usage").json()
    assert usage["totals"]["claude"]["costUsd"] > 0
    assert any(row["pricedUsd"] for row in usage["byModel"])


def test_output_is_pushed_on_websocket(
    api: httpx.Client, model: ScriptedAnthropic, server: PodiumServer
) -> None:
    """Output reaches a subscriber once and in order, and every message the socket sends
    validates against the schema the server publishes for it (`GET /api/ws/schema`)."""
    marker = model.add_script(
        "ws",
        [
            {"tool": "Bash", "input": {"command": "sleep 2"}},
            {"text": "websocket-final-words"},
        ],
    )
    schema = api.get("/api/ws/schema").json()
    validator = Draft202012Validator(schema)
    received: list[dict[str, Any]] = []
    with connect(f"ws://127.0.0.1:{server.port}/ws", open_timeout=10) as socket:
        snapshot = json.loads(socket.recv(timeout=10))
        assert snapshot["type"] == "snapshot"
        received.append(snapshot)
        job = create(api, description=f"Talk {marker}")
        agent = running_agent(api, job["id"])
        socket.send(json.dumps({"type": "subscribe", "agentId": agent["id"], "after": 0}))
        socket.send(json.dumps({"type": "subscribe", "agentId": "no-such-agent", "after": 0}))
        socket.send(json.dumps({"type": "ping"}))
        seen: list[dict[str, Any]] = []
        statuses: set[str] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message = json.loads(socket.recv(timeout=30))
            received.append(message)
            if message["type"] in ("agent.output", "agent.backlog"):
                seen.extend(message["data"]["events"])
            if message["type"] == "job.updated" and message["data"]["id"] == job["id"]:
                statuses.add(message["data"]["status"])
            if "done" in statuses:
                break
    texts = [e["data"].get("result") or e["data"].get("text") for e in seen]
    assert "websocket-final-words" in texts
    seqs = [e["seq"] for e in seen]
    assert seqs == sorted(set(seqs)), "each event once, in order"
    assert {"running", "done"} <= statuses

    for message in received:
        errors = [error.message for error in validator.iter_errors(message)]
        assert not errors, (message["type"], errors[:3])
    types = {message["type"] for message in received}
    assert {"snapshot", "agent.backlog", "agent.output", "agent.updated", "error", "pong"} <= types
    # agent.updated has one shape, whichever part of the server sent it: the whole agent.
    updates = [m["data"] for m in received if m["type"] == "agent.updated"]
    assert {frozenset(update) for update in updates} == {frozenset(agent)}
    mine = [update for update in updates if update["id"] == agent["id"]]
    assert mine[-1]["status"] == "exited" and mine[-1]["numTurns"] == 2


def test_priority_order_and_concurrency_cap(api: httpx.Client, model: ScriptedAnthropic) -> None:
    assert (
        api.put("/api/settings", json={"maxConcurrentAgents": 1}).json()["maxConcurrentAgents"] == 1
    )
    slow = model.add_script("slow-cap", [{"text": "slow done", "delay": 2}])
    quick = model.add_script("quick-cap", [{"text": "quick done"}])
    first = create(api, description=f"first {slow}")
    running_agent(api, first["id"])
    low = create(api, description=f"low {quick}", priority=-5)
    high = create(api, description=f"high {quick}", priority=7)
    mid = create(api, description=f"mid {quick}", priority=0)
    for job in (first, low, high, mid):
        assert wait_job(api, job["id"])["status"] == "done"
    runs = {job["id"]: agents_of(api, job["id"])[0] for job in (first, high, mid, low)}
    order = sorted(runs, key=lambda job_id: runs[job_id]["startedAt"])
    assert order == [first["id"], high["id"], mid["id"], low["id"]]
    spans = sorted((run["startedAt"], run["finishedAt"]) for run in runs.values())
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, "never more agents running than the cap"


def test_dependencies_wait_and_fail(api: httpx.Client, model: ScriptedAnthropic) -> None:
    slow = model.add_script("dep-slow", [{"text": "base done", "delay": 2}])
    broken = model.add_script(
        "dep-broken",
        [{"error": {"status": 400, "type": "invalid_request_error", "message": "scripted"}}],
    )
    quick = model.add_script("dep-quick", [{"text": "dependant done"}])
    base = create(api, description=f"base {slow}")
    after = create(api, description=f"after {quick}", dependsOn=[base["id"]])
    assert after["status"] == "waiting"
    assert wait_job(api, after["id"])["status"] == "done"
    base_run = agents_of(api, base["id"])[0]
    after_run = agents_of(api, after["id"])[0]
    assert after_run["startedAt"] >= base_run["finishedAt"]

    failing = create(api, description=f"will fail {broken}")
    doomed = create(api, description=f"doomed {quick}", dependsOn=[failing["id"]])
    assert wait_job(api, failing["id"])["status"] == "failed"
    final = wait_job(api, doomed["id"])
    assert final["status"] == "failed" and failing["id"] in final["statusReason"]
    assert agents_of(api, doomed["id"]) == []


def test_scheduled_and_repeating_jobs(api: httpx.Client, model: ScriptedAnthropic) -> None:
    quick = model.add_script("sched", [{"text": "scheduled run done"}])
    at = datetime.now(UTC) + timedelta(seconds=3)
    job = create(api, description=f"later {quick}", scheduledAt=at.isoformat())
    assert job["status"] == "scheduled"
    time.sleep(1)
    assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "scheduled"
    done = wait_job(api, job["id"])
    assert done["status"] == "done"
    assert datetime.fromisoformat(done["startedAt"]) >= at

    repeating = create(api, description=f"again {quick}", repeatIntervalSec=2)
    assert wait_job(api, repeating["id"])["status"] == "done"

    def next_run() -> dict[str, Any] | None:
        jobs = api.get("/api/jobs").json()
        return next(
            (
                j
                for j in jobs
                if j["description"] == repeating["description"] and j["id"] != repeating["id"]
            ),
            None,
        )

    follow = wait_until(next_run, timeout=10, what="the repeat")
    assert follow["status"] in ("scheduled", "queued", "running", "done")
    assert wait_job(api, follow["id"])["status"] == "done"
    second = agents_of(api, follow["id"])[0]
    first_run = agents_of(api, repeating["id"])[0]
    gap = datetime.fromisoformat(second["startedAt"]) - datetime.fromisoformat(
        first_run["finishedAt"]
    )
    assert gap >= timedelta(seconds=1.5)
    for job_row in api.get("/api/jobs", params={"status": "scheduled"}).json():
        api.post(f"/api/jobs/{job_row['id']}/cancel")


def test_cancel_kills_the_process_group(api: httpx.Client, model: ScriptedAnthropic) -> None:
    marker = model.add_script("hang", [{"text": "never", "delay": 120}])
    job = create(api, description=f"hang {marker}")
    agent = running_agent(api, job["id"])
    pid = agent["pid"]
    cli_children = psutil.Process(pid).children(recursive=True)
    assert cli_children, "the shim runs the CLI as its child"
    cancelled = api.post(f"/api/jobs/{job['id']}/cancel").json()
    assert cancelled["status"] == "cancelled"
    wait_until(lambda: not group_alive(pid), timeout=15, what="process group gone")
    assert not any(child.is_running() and child.status() != "zombie" for child in cli_children)
    final = wait_until(
        lambda: (a := api.get(f"/api/agents/{agent['id']}").json())["status"] == "exited" and a,
        timeout=15,
    )
    assert final["stopReason"] == "cancelled by user"
    assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "cancelled"
    assert api.post(f"/api/jobs/{job['id']}/cancel").status_code == 409


def test_stop_modes(api: httpx.Client, model: ScriptedAnthropic) -> None:
    turns = model.add_script(
        "turns",
        [
            {"tool": "Bash", "input": {"command": "echo one"}},
            {"tool": "Bash", "input": {"command": "echo two"}},
            {"text": "should not get here"},
        ],
    )
    budget = model.add_script(
        "budget",
        [
            {
                "tool": "Bash",
                "input": {"command": "echo spend"},
                "usage": {"input_tokens": 200_000, "output_tokens": 10},
            },
            {"text": "too late", "delay": 60},
        ],
    )
    timed = model.add_script("timed", [{"text": "too slow", "delay": 60}])
    complete = model.add_script(
        "complete",
        [{"tool": "Bash", "input": {"command": "sleep 1"}}, {"text": "completed"}],
    )
    by_turns = create(api, description=f"t {turns}", stopMode="turns", stopValue=1)
    by_budget = create(api, description=f"b {budget}", stopMode="budget", stopValue=0.05)
    by_time = create(api, description=f"m {timed}", stopMode="time", stopValue=0.05)
    by_completion = create(api, description=f"c {complete}", stopMode="completion")

    agent = running_agent(api, by_completion["id"])
    argv = [" ".join(p.cmdline()) for p in psutil.Process(agent["pid"]).children(True)]
    assert any("--max-turns 1000" in line for line in argv), argv

    t = wait_job(api, by_turns["id"])
    assert t["status"] == "failed" and "turn limit" in t["statusReason"]
    b = wait_job(api, by_budget["id"])
    assert b["status"] == "failed" and "budget of $0.05" in b["statusReason"], b
    assert b["costUsd"] >= 0.05
    m = wait_job(api, by_time["id"])
    assert m["status"] == "failed" and "time limit" in m["statusReason"], m
    elapsed = datetime.fromisoformat(m["finishedAt"]) - datetime.fromisoformat(m["startedAt"])
    assert elapsed < timedelta(seconds=30)
    c = wait_job(api, by_completion["id"])
    assert c["status"] == "done" and c["result"] == "completed"


def test_continue_resumes_the_session(api: httpx.Client, model: ScriptedAnthropic) -> None:
    marker = model.add_script(
        "convo", [{"text": "first answer"}, {"text": "second answer to: {{prompt}}"}]
    )
    job = create(api, description=f"start {marker}")
    assert wait_job(api, job["id"])["result"] == "first answer"
    response = api.post(f"/api/jobs/{job['id']}/continue", json={"message": "and then?"})
    assert response.status_code == 200, response.text
    wait_until(lambda: len(agents_of(api, job["id"])) == 2, timeout=30)
    done = wait_job(api, job["id"])
    assert done["status"] == "done" and done["result"] == "second answer to: and then?"
    first, second = agents_of(api, job["id"])
    assert first["sessionId"] == second["sessionId"]
    assert api.post(f"/api/jobs/{job['id']}/continue", json={"message": " "}).status_code == 422


def test_retry_requeue_patch_delete(api: httpx.Client, model: ScriptedAnthropic) -> None:
    quick = model.add_script("actions", [{"text": "action done"}])
    hang = model.add_script("actions-hang", [{"text": "x", "delay": 120}])
    job = create(api, description=f"act {quick}")
    wait_job(api, job["id"])
    retried = api.post(f"/api/jobs/{job['id']}/retry").json()
    assert retried["id"] != job["id"] and retried["description"] == job["description"]
    assert wait_job(api, retried["id"])["status"] == "done"

    hanging = create(api, description=f"hang {hang}")
    first_agent = running_agent(api, hanging["id"])
    requeued = api.post(f"/api/jobs/{hanging['id']}/requeue").json()
    assert requeued["status"] in ("queued", "running")
    wait_until(lambda: not group_alive(first_agent["pid"]), timeout=15)
    second_agent = running_agent(api, hanging["id"])
    assert second_agent["id"] != first_agent["id"]

    patched = api.patch(
        f"/api/jobs/{hanging['id']}", json={"flagged": True, "archived": True, "title": "renamed"}
    ).json()
    assert patched["flagged"] and patched["archived"] and patched["title"] == "renamed"
    assert all(j["id"] != hanging["id"] for j in api.get("/api/jobs").json())
    archived = api.get("/api/jobs", params={"archived": "true"}).json()
    assert [j["id"] for j in archived] == [hanging["id"]]

    assert api.delete(f"/api/jobs/{hanging['id']}").status_code == 204
    wait_until(lambda: not group_alive(second_agent["pid"]), timeout=15)
    assert api.get(f"/api/jobs/{hanging['id']}").status_code == 404


def test_diff_shows_agent_changes(api: httpx.Client, model: ScriptedAnthropic, repo: Path) -> None:
    (repo / "dirty.txt").write_text("was here before\n")
    marker = model.add_script(
        "writer",
        [
            {"tool": "Write", "input": {"file_path": str(repo / "new.txt"), "content": "hello\n"}},
            {"text": "wrote it"},
        ],
    )
    job = create(
        api,
        description=f"write {marker}",
        workDir=str(repo),
        completionChecks=["diff_not_empty", "custom_command:test -f new.txt"],
    )
    done = wait_job(api, job["id"])
    assert done["status"] == "done", done
    [agent] = agents_of(api, job["id"])
    diff = api.get(f"/api/agents/{agent['id']}/diff").text
    assert "+++ b/new.txt" in diff and "+hello" in diff
    assert "dirty.txt" not in diff, "changes from before the agent started are not its own"

    noop = model.add_script("noop", [{"text": "did nothing"}])
    lazy = create(
        api, description=f"noop {noop}", workDir=str(repo), completionChecks=["diff_not_empty"]
    )
    failed = wait_job(api, lazy["id"])
    assert failed["status"] == "failed" and "diff_not_empty" in failed["statusReason"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root needs IS_SANDBOX")
def test_agents_run_as_root_whatever_is_sandbox_says(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    """Claude Code skips permissions as root only with IS_SANDBOX=1 exactly; some machines
    export IS_SANDBOX=yes, which it refuses."""
    marker = model.add_script("sandbox-yes", [{"text": "ran as root"}])
    server = make_server(IS_SANDBOX="yes")
    with server.client() as api:
        finished = wait_job(api, create(api, description=f"hi {marker}")["id"])
    assert finished["status"] == "done" and finished["result"] == "ran as root", finished
