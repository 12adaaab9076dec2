"""Failure kinds end to end: what went wrong with a real `claude` agent decides whether, and
when, its retry policy tries again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, wait_job
from tests.support.podium_process import PodiumServer


def copies_of(api: httpx.Client, job: dict[str, Any]) -> list[dict[str, Any]]:
    every = api.get("/api/jobs", params={"status": ["queued", "scheduled", "running"]}).json()
    return [j for j in every if j["description"] == job["description"] and j["id"] != job["id"]]


def test_retries_follow_what_went_wrong(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    # The CLI's own retries off, so a provider error reaches Podium at once.
    server = make_server(CLAUDE_CODE_MAX_RETRIES="0")
    overloaded = model.add_script(
        "fk-overloaded",
        [{"error": {"status": 529, "type": "overloaded_error", "message": "busy"}}],
    )
    refused = model.add_script(
        "fk-refused",
        [{"error": {"status": 400, "type": "invalid_request_error", "message": "bad input"}}],
    )
    capped = model.add_script(
        "fk-capped",
        [{"tool": "Bash", "input": {"command": "echo 1"}}, {"text": "not reached"}],
    )
    with server.client() as api:
        jobs = {
            "overloaded": create(api, description=f"o {overloaded}", retryPolicy="same"),
            "refused": create(api, description=f"r {refused}", retryPolicy="same"),
            "capped": create(
                api, description=f"c {capped}", retryPolicy="same", stopMode="turns", stopValue=1
            ),
        }
        failed = {name: wait_job(api, job["id"]) for name, job in jobs.items()}
        assert {name: (j["status"], j["failureKind"]) for name, j in failed.items()} == {
            "overloaded": ("failed", "overloaded"),
            "refused": ("failed", "invalid_request"),
            "capped": ("failed", "turn_limit"),
        }

        # An overloaded provider: the same job again, after a pause rather than at once.
        [later] = copies_of(api, jobs["overloaded"])
        assert later["status"] == "scheduled" and later["attempt"] == 2
        pause = datetime.fromisoformat(later["scheduledAt"]) - datetime.fromisoformat(
            failed["overloaded"]["finishedAt"]
        )
        assert 29 <= pause.total_seconds() <= 31, pause
        # A refused request and a copy that would hit the same cap are not retried, and say so.
        assert copies_of(api, jobs["refused"]) == []
        assert failed["refused"]["statusReason"].endswith(
            "(not retried: a retry cannot fix invalid_request)"
        )
        assert copies_of(api, jobs["capped"]) == []
        assert failed["capped"]["statusReason"].endswith(
            "(not retried: a copy would hit the same turn_limit cap)"
        )
        assert api.post(f"/api/jobs/{later['id']}/cancel").status_code == 200
