"""Provider usage limits and spend caps end to end: real `podium serve`, the real `claude` and
`codex` CLIs, scripted model servers.

A 429 whose message says when the limit resets pauses the job (scheduled for the reset), holds
the other Claude jobs until then, lets Codex jobs run, and continues the paused job's session
with `--resume` after the reset."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.fakes.openai_server import ScriptedOpenAI
from tests.support.jobs import agents_of, create, wait_job
from tests.support.podium_process import PodiumServer, wait_until

CODEX_MODEL = "codex-gpt-5.3-codex"


def epoch(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def job_where(
    api: httpx.Client, job_id: str, check: Callable[[dict[str, Any]], bool], what: str
) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        job: dict[str, Any] = api.get(f"/api/jobs/{job_id}").json()
        return job if check(job) else None

    found: dict[str, Any] = wait_until(probe, timeout=90, what=what)
    return found


def test_usage_limit_holds_its_provider_then_the_job_resumes(
    make_server: Callable[..., PodiumServer],
    model: ScriptedAnthropic,
    openai_model: ScriptedOpenAI,
    tmp_path: Path,
) -> None:
    codex_home = tmp_path / "codex-home"
    codex_home.mkdir()
    # The CLI's own retries off, so the 429 reaches Podium at once (with them on, Claude Code
    # waits out a short retry-after itself).
    server = make_server(
        CLAUDE_CODE_MAX_RETRIES="0",
        OPENAI_BASE_URL=openai_model.url,
        CODEX_HOME=str(codex_home),
    )
    limited = model.add_script(
        "ul-limited",
        [
            {"tool": "Bash", "input": {"command": "echo before-the-limit"}},
            {
                "error": {
                    "status": 429,
                    "type": "rate_limit_error",
                    "message": "Claude AI usage limit reached|{{reset_epoch}}",
                    "reset_in": 20,  # seconds after the 429: room for a loaded machine
                    "times": 1,
                },
                "text": "finished after the reset: {{last_result}}",
            },
            {"text": "finished after the reset: {{last_result}}"},
        ],
    )
    waiting = model.add_script("ul-waiting", [{"text": "the held claude job ran"}])
    other = openai_model.add_script("ul-codex", [{"text": "codex was not held"}])
    with server.client() as api:
        job = create(api, description=f"Work until the limit {limited}")
        paused = job_where(
            api, job["id"], lambda j: j["status"] == "scheduled", "the job paused by the limit"
        )
        assert paused["failureKind"] is None
        assert paused["holdReason"] == "claude usage limit"
        reset = epoch(paused["scheduledAt"])
        assert epoch(paused["heldUntil"]) == reset
        assert time.time() < reset < time.time() + 21
        assert "continues at" in paused["statusReason"]

        held = create(api, description=f"Queued meanwhile {waiting}")
        codex = create(api, description=f"Codex meanwhile {other}", model=CODEX_MODEL)
        marked = job_where(
            api, held["id"], lambda j: j["holdReason"] is not None, "the claude job held"
        )
        assert marked["status"] == "queued" and marked["holdReason"] == "claude usage limit"
        assert epoch(marked["heldUntil"]) == reset
        queue = api.get("/api/queue").json()
        assert [(h["kind"], h["provider"]) for h in queue["holds"]] == [
            ("provider_limit", "claude")
        ]
        assert epoch(queue["holds"][0]["until"]) == reset
        assert queue["heldJobs"] == 1

        # The Codex job is not held by Claude's limit: it starts before the reset.
        codex_done = wait_job(api, codex["id"])
        assert codex_done["status"] == "done" and codex_done["holdReason"] is None
        assert epoch(codex_done["startedAt"]) < reset

        done = wait_job(api, job["id"])
        assert done["status"] == "done", done
        assert done["result"] == "finished after the reset: before-the-limit"
        first, second = agents_of(api, job["id"])
        assert second["sessionId"] == first["sessionId"]  # continued with --resume
        assert epoch(second["createdAt"]) >= reset
        later = wait_job(api, held["id"])
        assert later["status"] == "done" and later["holdReason"] is None
        assert epoch(later["startedAt"]) >= reset
        assert api.get("/api/queue").json()["holds"] == []
    # The resumed conversation carried the work done before the limit.
    resumed = model.requests_for("ul-limited")[-1]
    assert "before-the-limit" in str(resumed["messages"])


def test_spend_cap_stops_dispatch_until_raised(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    server = make_server()
    spend = model.add_script("cap-spend", [{"text": "spent a little"}])
    after = model.add_script("cap-after", [{"text": "ran once the cap was raised"}])
    with server.client() as api:
        first = wait_job(api, create(api, description=f"Spend {spend}")["id"])
        assert first["status"] == "done" and first["costUsd"] > 0
        saved = api.put("/api/settings", json={"dailySpendCapUsd": first["costUsd"] / 2})
        assert saved.status_code == 200, saved.text
        job = create(api, description=f"After the cap {after}")
        held = job_where(api, job["id"], lambda j: j["holdReason"] is not None, "a held job")
        assert held["status"] == "queued"
        assert held["holdReason"].startswith("daily spend cap reached: $")
        [hold] = api.get("/api/queue").json()["holds"]
        assert hold["kind"] == "spend_cap" and hold["reason"] == held["holdReason"]
        assert api.get("/api/queue").json()["spendTodayUsd"] >= first["costUsd"]

        assert api.put("/api/settings", json={"dailySpendCapUsd": 100}).status_code == 200
        done = wait_job(api, job["id"])
        assert done["status"] == "done" and done["holdReason"] is None
        assert api.get("/api/queue").json()["holds"] == []


def test_resource_thresholds_hold_the_queue(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    server = make_server()
    script = model.add_script("res-held", [{"text": "ran once memory sufficed"}])
    with server.client() as api:
        # One more agent "needs" more memory than the machine has: nothing starts.
        saved = api.put("/api/settings", json={"agentMemoryMb": 900_000})
        assert saved.status_code == 200, saved.text
        job = create(api, description=f"Needs memory {script}")
        held = job_where(api, job["id"], lambda j: j["holdReason"] is not None, "a held job")
        assert held["status"] == "queued"
        assert held["holdReason"].startswith("low memory: ")
        assert held["holdReason"].endswith("one more agent needs 900000 MB")
        queue = api.get("/api/queue").json()
        assert [h["kind"] for h in queue["holds"]] == ["resources"]
        assert queue["resources"]["availableMemoryMb"] > 0
        assert queue["resources"]["freeDiskMb"] > 0

        assert api.put("/api/settings", json={"agentMemoryMb": 275}).status_code == 200
        done = wait_job(api, job["id"])
        assert done["status"] == "done" and done["holdReason"] is None
        assert api.get("/api/queue").json()["holds"] == []
