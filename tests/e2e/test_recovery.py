"""After any single failure and a restart, every job is terminal or has a live agent within
seconds: the recovery pass at start (podium.jobs.recovery)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, running_agent, wait_job
from tests.support.podium_process import PodiumServer, wait_until


def test_server_killed_during_a_completion_check_judges_the_run_after_restart(
    server: PodiumServer, model: ScriptedAnthropic
) -> None:
    marker = model.add_script("checked", [{"text": "work done"}])
    with server.client() as api:
        job = create(api, description=f"c {marker}", completionChecks=["custom_command:sleep 5"])
        agent = running_agent(api, job["id"])

        def checking() -> bool:
            ended = api.get(f"/api/agents/{agent['id']}").json()["status"] == "exited"
            return ended and api.get(f"/api/jobs/{job['id']}").json()["status"] == "running"

        wait_until(checking, timeout=30, what="the agent ended and its check runs")
    server.kill()
    server.start()
    restarted = time.monotonic()
    with server.client() as api:
        done = wait_job(api, job["id"], timeout=30)
        assert done["status"] == "done" and done["result"] == "work done", done
    assert time.monotonic() - restarted < 25, "judged again at start (a 5 s check)"


def test_jobs_left_mid_launch_fail_as_launch_failures_on_restart(server: PodiumServer) -> None:
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    with server.client() as api:
        with_agent = create(api, description="mid-launch with an agent row", scheduledAt=later)
        without = create(api, description="mid-launch before the agent row", scheduledAt=later)
    server.stop()
    now = time.time()
    with sqlite3.connect(server.data_dir / "orchestrator.db") as db:
        # The agent's id reaches the job only once its process runs: a job mid-launch has none.
        db.execute(
            "UPDATE jobs SET status = 'running', started_at = ? WHERE id IN (?, ?)",
            (now, with_agent["id"], without["id"]),
        )
        db.execute(
            "INSERT INTO agents (id, job_id, provider, status, log_path, log_offset, next_seq,"
            " num_turns, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
            " cost_usd, work_dir, interactive, created_at)"
            " VALUES ('ag_midlaunch', ?, 'claude', 'starting', '/nonexistent/ag.log', 0, 1,"
            " 0, 0, 0, 0, 0, 0.0, '/tmp', 0, ?)",
            (with_agent["id"], now),
        )
    server.start()
    with server.client() as api:
        for job in (with_agent, without):
            failed = wait_job(api, job["id"], timeout=15)
            assert failed["status"] == "failed" and failed["failureKind"] == "launch", failed
            assert failed["statusReason"], failed
        assert api.get("/api/agents/ag_midlaunch").json()["status"] == "exited"


def test_a_launch_that_breaks_after_running_is_saved_fails_the_job(
    server: PodiumServer, model: ScriptedAnthropic
) -> None:
    # The agent's prompt file cannot be written: not a LaunchFailed, any error at all.
    logs = server.data_dir / "agent-logs"
    for path in logs.iterdir():
        path.unlink()
    logs.rmdir()
    marker = model.add_script("never-launched", [{"text": "unreachable"}])
    with server.client() as api:
        failed = wait_job(api, create(api, description=f"l {marker}")["id"], timeout=30)
    assert failed["status"] == "failed" and failed["failureKind"] == "launch", failed
    assert failed["statusReason"].startswith("could not launch the agent"), failed


def test_an_error_while_judging_fails_the_job_instead_of_leaving_it_running(
    api: httpx.Client, model: ScriptedAnthropic, tmp_path: Path
) -> None:
    work = tmp_path / "vanishing"
    work.mkdir()
    marker = model.add_script(
        "vanishing-dir",
        [
            {"tool": "Bash", "input": {"command": f"cd / && mv {work} {work}.gone"}},
            {"text": "removed my own work dir"},
        ],
    )
    job = create(
        api,
        description=f"v {marker}",
        workDir=str(work),
        completionChecks=["custom_command:true"],
    )
    failed = wait_job(api, job["id"], timeout=60)
    assert not work.exists(), "the agent moved its work dir away"
    assert failed["status"] == "failed" and failed["failureKind"] == "internal", failed
    assert "internal error while judging the run" in failed["statusReason"], failed
