"""Deleting a running job cancels it first: its agent is stopped, its locks released, and no
row or log file of it is left behind."""

from __future__ import annotations

import sqlite3

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, group_alive, running_agent
from tests.support.podium_process import PodiumServer, wait_until


def test_deleting_a_running_job_stops_its_agent_and_leaves_nothing_behind(
    server: PodiumServer, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "deleted-while-running",
        [
            {"tool": "lock_files", "input": {"files": ["busy.txt"], "reason": "working"}},
            {"text": "never", "delay": 120},
        ],
    )
    with server.client() as api:
        job = create(api, description=f"d {marker}")
        agent = running_agent(api, job["id"])
        wait_until(lambda: api.get("/api/locks").json(), timeout=30, what="the agent's lock")
        assert api.delete(f"/api/jobs/{job['id']}").status_code == 204
        # Once the delete has answered, all of it is over: no waiting needed.
        assert not group_alive(agent["pid"]), "the agent's process group is gone"
        assert api.get("/api/locks").json() == [], "its locks were released"
        assert api.get(f"/api/jobs/{job['id']}").status_code == 404
        assert api.get("/api/agents", params={"jobId": job["id"]}).json() == []
        assert api.get("/api/health").json()["liveAgents"] == 0
    logs = server.data_dir / "agent-logs"
    assert not list(logs.glob(f"{agent['id']}*")), "its log files were removed"
    with sqlite3.connect(server.data_dir / "orchestrator.db") as db:
        for table in ("jobs", "agents", "locks", "questions", "agent_credentials"):
            column = "id" if table == "jobs" else "job_id"
            if table in ("locks", "agent_credentials"):
                column, key = "agent_id", agent["id"]
            else:
                key = job["id"]
            count = db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (key,))
            assert count.fetchone()[0] == 0, f"a row of the deleted job is left in {table}"
