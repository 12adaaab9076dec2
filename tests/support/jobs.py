"""Helpers for tests that drive a running `podium serve` over REST: create jobs, wait for them,
read their agents and output, and clean up agent processes a test left behind."""

from __future__ import annotations

import os
import signal
import sqlite3
from typing import Any

import httpx

from podium.agents.process import signal_group
from tests.support.podium_process import REPO_ROOT, PodiumServer, wait_until

CLAUDE_BIN = REPO_ROOT / "node_modules" / ".bin" / "claude"
CODEX_BIN = REPO_ROOT / "node_modules" / ".bin" / "codex"


def create(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/api/jobs", json=body)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def wait_job(
    api: httpx.Client,
    job_id: str,
    statuses: tuple[str, ...] = ("done", "failed", "cancelled"),
    timeout: float = 90,
) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        job: dict[str, Any] = api.get(f"/api/jobs/{job_id}").json()
        return job if job["status"] in statuses else None

    result: dict[str, Any] = wait_until(check, timeout=timeout, what=f"job {job_id} in {statuses}")
    return result


def agents_of(api: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    agents: list[dict[str, Any]] = api.get("/api/agents", params={"jobId": job_id}).json()
    return agents


def running_agent(api: httpx.Client, job_id: str) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        job = api.get(f"/api/jobs/{job_id}").json()
        if job["status"] != "running" or not job["currentAgentId"]:
            return None
        agent: dict[str, Any] = api.get(f"/api/agents/{job['currentAgentId']}").json()
        return agent if agent["pid"] else None

    agent: dict[str, Any] = wait_until(check, timeout=30, what=f"job {job_id} running")
    return agent


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def output(api: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for agent in api.get("/api/agents", params={"jobId": job_id}).json():
        events += api.get(f"/api/agents/{agent['id']}/output").json()["events"]
    return events


def tool_results(api: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    return [e for e in output(api, job_id) if e["kind"] == "tool_result"]


def wait_tool_use(api: httpx.Client, job_id: str, name: str, timeout: float = 30) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        return next(
            (
                e
                for e in output(api, job_id)
                if e["kind"] == "tool_use" and e["data"]["name"].endswith(name)
            ),
            None,
        )

    event: dict[str, Any] = wait_until(check, timeout=timeout, what=f"{name} called")
    return event


def kill_leftover_agents(server: PodiumServer) -> None:
    """Kill the process groups of the agents a stopped server recorded (a failed test's)."""
    db = server.data_dir / "orchestrator.db"
    if not db.exists():
        return
    with sqlite3.connect(db) as conn:
        query = "SELECT pid, process_start_time FROM agents WHERE pid IS NOT NULL"
        leaders = list(conn.execute(query))
    for pid, start_time in leaders:  # never a group whose leader's pid was given to another
        signal_group(pid, start_time, signal.SIGKILL)
