"""Run limits (podium.agents.limits) held by the real runner against a fake agent's output."""

from __future__ import annotations

from tests.support.inprocess import Harness


async def test_a_turn_cap_stops_a_cli_without_one_of_its_own(harness: Harness) -> None:
    job = harness.create("chatty", max_turns=2)
    agent = await harness.host.next_agent()
    for n in range(3):
        agent.print({"type": "turn", "id": f"r{n}", "input_tokens": 1, "output_tokens": 1})
    failed = await harness.status(job.id, "failed", "done")
    assert agent.terminated
    assert failed.failure_kind == "turn_limit"
    assert "turn limit reached (2 turns)" in (failed.status_reason or "")


async def test_the_budget_stops_the_run(harness: Harness) -> None:
    harness.provider.usd_per_token = 0.01
    job = harness.create("spendy", stop_mode="budget", stop_value=1.0)
    agent = await harness.host.next_agent()
    agent.print({"type": "turn", "id": "r1", "input_tokens": 50, "output_tokens": 10})
    await harness.until(
        lambda: harness.services.agents.get(agent.agent_id).cost_usd >= 0.6, "$0.60 spent"
    )
    assert not agent.terminated  # $0.60 of $1.00
    agent.print({"type": "turn", "id": "r2", "input_tokens": 40, "output_tokens": 10})
    failed = await harness.status(job.id, "failed", "done")
    assert agent.terminated
    assert failed.failure_kind == "budget"
    assert "budget of $1.00 reached" in (failed.status_reason or "")
