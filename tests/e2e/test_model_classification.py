"""Model auto-classification end to end: a job created without a model waits while the helper
model sorts its task, then its real `claude` agent runs on the model picked for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, wait_job
from tests.support.podium_process import PodiumServer, wait_until

HELPER = "x-podium-helper"


def helper_calls(model: ScriptedAnthropic, marker: str) -> list[dict[str, Any]]:
    """Podium's classifier requests about the task carrying MARKER."""
    return [
        r.body
        for r in model.log
        if any(k.lower() == HELPER for k in r.headers) and marker in str(r.body)
    ]


def test_jobs_without_a_model_get_one_for_their_task(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    easy = model.add_script(
        "classify-easy", [{"classify": "simple", "classify_delay": 2, "text": "easy done"}]
    )
    hard = model.add_script("classify-hard", [{"classify": "Complex.", "text": "hard done"}])
    unsure = model.add_script("classify-unsure", [{"classify": "banana", "text": "unsure done"}])
    chosen = model.add_script("classify-chosen", [{"classify": "simple", "text": "chosen done"}])

    job = create(api, description=f"Fix a typo in the README {easy}")
    # Stored at once, queued, and held back until its model is picked.
    assert job["model"] is None and job["modelClassification"] == "pending"
    waiting = api.get(f"/api/jobs/{job['id']}").json()
    assert waiting["status"] == "queued" and waiting["currentAgentId"] is None
    others = [
        create(api, description=f"Redesign the storage layer {hard}"),
        create(api, description=f"Do something {unsure}"),
        create(api, description=f"Explicit {chosen}", model="claude-sonnet-4-5"),
    ]

    done = [wait_job(api, j["id"]) for j in [job, *others]]
    assert [j["status"] for j in done] == ["done"] * 4, done
    assert [(j["model"], j["modelClassification"]) for j in done] == [
        ("haiku", "simple"),
        ("opus", "complex"),
        (None, "unavailable"),  # an answer it cannot use: the CLI's default model
        ("claude-sonnet-4-5", None),  # chosen by the user: never classified
    ]

    # The agents asked the scripted model for what was picked for them.
    assert all("haiku" in r["model"] for r in model.requests_for("classify-easy"))
    assert all("opus" in r["model"] for r in model.requests_for("classify-hard"))
    # One classifier call per unmodelled job, on the helper model, never counted as a turn.
    [call] = helper_calls(model, easy)
    assert call["model"] == "claude-haiku-4-5" and call["max_tokens"] == 8
    assert "exactly one word" in call["system"]
    assert call["messages"] == [{"role": "user", "content": job["description"]}]
    assert helper_calls(model, chosen) == []
    assert [r.step for r in model.log if r.script == "classify-easy"] == [0]


def test_auto_model_can_be_switched_off(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    marker = model.add_script("classify-off", [{"classify": "simple", "text": "default done"}])
    server = make_server(PODIUM_AUTO_MODEL="false")
    with server.client() as api:
        job = create(api, description=f"Fix a typo {marker}")
        assert job["modelClassification"] is None
        finished = wait_job(api, job["id"])
    assert finished["status"] == "done" and finished["model"] is None
    assert helper_calls(model, marker) == []


def test_a_job_still_being_classified_survives_a_restart(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "classify-restart", [{"classify": "medium", "classify_delay": 4, "text": "medium done"}]
    )
    server = make_server()
    with server.client() as api:
        job = create(api, description=f"Add a flag {marker}")
        assert job["modelClassification"] == "pending"
    wait_until(lambda: helper_calls(model, marker), timeout=10, what="the classifier's call")
    server.kill()  # its answer is lost with it
    server.start()
    with server.client() as api:
        finished = wait_job(api, job["id"])
    assert finished["status"] == "done", finished
    assert (finished["model"], finished["modelClassification"]) == ("sonnet", "medium")
    assert len(helper_calls(model, marker)) == 2  # asked again by the restarted server
