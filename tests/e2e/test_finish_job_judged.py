"""finish_job records the agent's result and stops it; the job is then judged like any run that
ends on its own: completion checks, repeats and retry policies all apply."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, wait_job
from tests.support.podium_process import wait_until


def finisher(model: ScriptedAnthropic, name: str, result: str) -> str:
    return model.add_script(
        name,
        [
            {"tool": "finish_job", "input": {"result": result}},
            {"text": "closing words", "delay": 120},
        ],
    )


def others(api: httpx.Client, job: dict[str, Any]) -> list[dict[str, Any]]:
    return [j for j in api.get("/api/jobs").json() if j["id"] != job["id"]]


def test_finish_job_with_a_failing_check_fails_the_job(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = finisher(model, "finish-check", "all good, trust me")
    job = create(api, description=f"c {marker}", completionChecks=["custom_command:false"])
    failed = wait_job(api, job["id"])
    assert failed["status"] == "failed", failed
    assert failed["failureKind"] == "check_failed"
    assert "custom_command:false" in failed["statusReason"]
    assert failed["result"] == "all good, trust me", "the judged result is finish_job's"


def test_finish_job_on_a_repeating_job_schedules_the_repeat(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = finisher(model, "finish-repeat", "round done")
    job = create(api, description=f"r {marker}", repeatIntervalSec=3600)
    done = wait_job(api, job["id"])
    assert done["status"] == "done" and done["result"] == "round done"
    [repeat] = wait_until(lambda: others(api, job), timeout=15, what="the repeat")
    assert repeat["status"] == "scheduled" and repeat["description"] == job["description"]
    api.post(f"/api/jobs/{repeat['id']}/cancel")


def test_finish_job_under_analyze_with_a_failing_check_queues_a_diagnosis(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = finisher(model, "finish-analyze", "claimed success")
    job = create(
        api,
        description=f"a {marker}",
        retryPolicy="analyze",
        completionChecks=["custom_command:false"],
    )
    failed = wait_job(api, job["id"])
    assert failed["status"] == "failed" and failed["failureKind"] == "check_failed"
    [diagnosis] = wait_until(lambda: others(api, job), timeout=15, what="a diagnosis job")
    assert diagnosis["context"] == {"diagnosesJob": job["id"]}
    assert diagnosis["title"].startswith("Diagnose: ")
    api.post(f"/api/jobs/{diagnosis['id']}/cancel")
