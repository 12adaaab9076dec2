"""The recovery pass's decisions (podium.jobs.recovery), and reading a stored run back."""

from __future__ import annotations

from typing import Any

from podium.agents.providers.base import RunResult
from podium.agents.runs import AgentOutcome
from podium.jobs.judgement import FINISHED, judge
from podium.jobs.recovery import MID_LAUNCH, Decision, Fix, decide, outcome_of, saved_outcome
from podium.jobs.states import JobStatus


def job(job_id: str, agent_id: str | None) -> dict[str, Any]:
    return {"id": job_id, "current_agent_id": agent_id}


def agent(agent_id: str, status: str, reported: str | None = None) -> dict[str, Any]:
    return {
        "id": agent_id,
        "job_id": "job_1",
        "status": status,
        "reported_result": reported,
        "provider": "claude",
        "outcome": None,
        "exit_code": 0,
        "stop_reason": None,
        "cost_usd": 0.5,
    }


def test_each_active_job_gets_what_it_needs() -> None:
    jobs = [
        job("j_live", "ag_live"),
        job("j_finished_live", "ag_fin"),
        job("j_mid_launch", None),
        job("j_judging_lost", "ag_exited"),
        job("j_being_judged", "ag_settling"),
        job("j_row_gone", "ag_missing"),
        job("j_lost", "ag_running_row"),
    ]
    agents = {
        "ag_live": agent("ag_live", "running"),
        "ag_fin": agent("ag_fin", "running", reported="said done"),
        "ag_exited": agent("ag_exited", "exited"),
        "ag_settling": agent("ag_settling", "exited"),
        "ag_running_row": agent("ag_running_row", "running"),
    }
    decisions = decide(
        jobs,  # type: ignore[arg-type]
        agents,  # type: ignore[arg-type]
        live={"ag_live", "ag_fin"},
        settling={"ag_settling"},
    )
    assert decisions == [
        Decision("j_finished_live", Fix.STOP, "ag_fin"),
        Decision("j_mid_launch", Fix.FAIL, reason=MID_LAUNCH),
        Decision("j_judging_lost", Fix.JUDGE, "ag_exited"),
        Decision("j_row_gone", Fix.FAIL, reason=MID_LAUNCH),
        Decision("j_lost", Fix.FAIL, "ag_running_row", decisions[-1].reason),
    ]
    assert decisions[-1].reason


def test_a_saved_outcome_is_judged_as_the_live_run_was() -> None:
    live = AgentOutcome(
        agent_id="ag_1",
        job_id="job_1",
        exit_code=0,
        stop_reason=None,
        provider="claude",
        stop_detail=None,
        result=RunResult(text="work done", is_error=False, subtype="success", num_turns=2),
        cost_usd=0.5,
        stderr_tail="",
    )
    row = agent("ag_1", "exited") | {"outcome": saved_outcome(live)}
    again = outcome_of(row, None)  # type: ignore[arg-type]
    assert judge(again, 0) == judge(live, 0)
    assert judge(again, 0).status is JobStatus.DONE and judge(again, 0).result == "work done"


def test_without_a_saved_outcome_the_last_result_event_and_finish_job_count() -> None:
    row = agent("ag_1", "exited")
    event = {"data": {"result": "from the log", "isError": False, "subtype": "success"}}
    assert judge(outcome_of(row, event), 0).result == "from the log"  # type: ignore[arg-type]
    stopped = agent("ag_1", "exited", reported="reported") | {
        "stop_reason": "finished by the agent",
        "exit_code": 143,
    }
    outcome = outcome_of(stopped, None)  # type: ignore[arg-type]
    assert outcome.stop_reason == FINISHED
    verdict = judge(outcome, 0, "reported")
    assert verdict.status is JobStatus.DONE and verdict.result == "reported"
