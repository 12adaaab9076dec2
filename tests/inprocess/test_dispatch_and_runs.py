"""Jobs through the real dispatcher, lifecycle and runner, with fake agents a test drives."""

from __future__ import annotations

import asyncio

from podium.appsettings.service import AppSettingsPatch
from tests.support.inprocess import Harness


async def test_a_created_job_is_dispatched_and_runs_to_done(harness: Harness) -> None:
    job = harness.create("say hello")
    agent = await harness.host.next_agent()
    assert agent.job_id == job.id
    running = await harness.status(job.id, "running")
    assert running.current_agent_id == agent.agent_id
    agent.print({"type": "text", "text": "hello there"})
    agent.print({"type": "turn", "id": "r1", "input_tokens": 10, "output_tokens": 5})
    agent.finish("all said")
    done = await harness.status(job.id, "done", "failed")
    assert done.status == "done", done.status_reason
    assert done.result == "all said"
    stored = harness.services.agents.get(agent.agent_id)
    assert stored.status == "exited" and stored.exit_code == 0
    assert stored.num_turns == 1 and stored.input_tokens == 10


async def test_a_crashing_agent_fails_the_job(harness: Harness) -> None:
    job = harness.create("crash")
    agent = await harness.host.next_agent()
    agent.print({"type": "text", "text": "about to fall over"})
    agent.exit(1)
    failed = await harness.status(job.id, "done", "failed")
    assert failed.status == "failed"
    assert failed.failure_kind == "crashed"
    assert "exited with code 1" in (failed.status_reason or "")


async def test_a_cli_that_cannot_start_fails_the_job_as_launch(harness: Harness) -> None:
    harness.host.fail_next = FileNotFoundError(2, "No such file or directory")
    job = harness.create("never starts")
    failed = await harness.status(job.id, "failed")
    assert failed.failure_kind == "launch"
    assert "could not start fake" in (failed.status_reason or "")


async def test_retry_policy_same_queues_a_copy(harness: Harness) -> None:
    job = harness.create("flaky", retry_policy="same")
    first = await harness.host.next_agent()
    first.exit(1)
    await harness.status(job.id, "failed")
    second = await harness.host.next_agent()
    assert second.job_id != job.id
    retry = harness.job(second.job_id)
    assert retry.attempt == 2 and retry.description == "flaky"
    second.finish("worked the second time")
    assert (await harness.status(retry.id, "done", "failed")).status == "done"


async def test_the_concurrency_cap_holds(harness: Harness) -> None:
    harness.services.app_settings.update(AppSettingsPatch(max_concurrent_agents=2))
    jobs = [harness.create(f"job {n}") for n in range(4)]
    first = [await harness.host.next_agent(), await harness.host.next_agent()]
    # The dispatcher has had its chance at the other two: it ran and stopped at the cap.
    await harness.until(
        lambda: sum(harness.job(j.id).status == "queued" for j in jobs) == 2, "two left queued"
    )
    assert len(harness.host.live()) == 2
    first[0].finish()
    third = await harness.host.next_agent()
    assert len(harness.host.live()) == 2
    for agent in (first[1], third):
        agent.finish()
    fourth = await harness.host.next_agent()
    fourth.finish()
    for job in jobs:
        assert (await harness.status(job.id, "done", "failed")).status == "done"
    assert harness.host.most_running == 2


async def test_cancel_stops_the_fake_agent(harness: Harness) -> None:
    job = harness.create("long task")
    agent = await harness.host.next_agent()
    agent.exit_on_terminate = False  # lingers after SIGTERM: the kill after the grace ends it
    await harness.status(job.id, "running")
    harness.services.jobs.cancel(job.id)
    cancelled = await harness.status(job.id, "cancelled")
    assert agent.terminated
    await asyncio.wait_for(agent.exited(), 15)
    assert agent.killed
    assert cancelled.status == "cancelled"
