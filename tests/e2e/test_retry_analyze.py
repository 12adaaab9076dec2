"""Retry policy `analyze` end to end: a real `claude` agent fails, a Haiku agent diagnoses the
failure, and the retry runs with the diagnosis in its prompt."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, wait_job
from tests.support.podium_process import wait_until


def test_failed_job_is_diagnosed_then_retried_with_the_diagnosis(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    # Every run of this script is a fresh conversation, so each starts at this one step: the
    # first request fails (the job fails fast on a 413), later ones answer with their prompt.
    marker = model.add_script(
        "analyze",
        [
            {
                # A request too large for the model: a retry may fix it if told (smaller steps).
                "error": {
                    "status": 413,
                    "type": "request_too_large",
                    "message": "prompt too big",
                    "times": 1,
                },
                "text": "ANSWER to: {{prompt}}",
            }
        ],
    )
    job = create(api, description=f"Fix the build {marker}", retryPolicy="analyze")
    failed = wait_job(api, job["id"])
    assert failed["status"] == "failed" and "Request too large" in failed["statusReason"]
    assert failed["failureKind"] == "agent_error"

    def children(parent_id: str) -> list[dict[str, Any]]:
        return [j for j in api.get("/api/jobs").json() if j["parentJobId"] == parent_id]

    [diagnosis] = wait_until(lambda: children(job["id"]), timeout=30, what="a diagnosis job")
    assert diagnosis["title"].startswith("Diagnose: ")
    assert diagnosis["model"] == "claude-haiku-4-5"
    assert diagnosis["context"] == {"diagnosesJob": job["id"]}
    assert diagnosis["retryPolicy"] == "none"
    assert "Request too large" in diagnosis["description"]
    assert "Fix the build" in diagnosis["description"]
    diagnosed = wait_job(api, diagnosis["id"])
    assert diagnosed["status"] == "done", diagnosed
    assert diagnosed["result"].startswith("ANSWER to: Job ")

    def retry() -> dict[str, Any] | None:
        for candidate in api.get("/api/jobs").json():
            if candidate["context"].get("previousAttempt") == job["id"]:
                return candidate
        return None

    again = wait_until(retry, timeout=30, what="the refined retry")
    assert again["attempt"] == 2 and again["description"] == job["description"]
    assert again["retryPolicy"] == "analyze"
    assert again["context"]["failureDiagnosis"] == diagnosed["result"]
    assert "Request too large" in again["context"]["failureReason"]
    finished = wait_job(api, again["id"])
    assert finished["status"] == "done", finished
    # The retry's agent was told the diagnosis.
    assert "failureDiagnosis: ANSWER to: Job" in finished["result"]

    # The diagnosis ran on the analysis model; the job and its retry on the default one.
    models = [request.get("model") for request in model.requests_for("analyze")]
    assert models.count("claude-haiku-4-5") >= 1
    assert len(models) >= 3
