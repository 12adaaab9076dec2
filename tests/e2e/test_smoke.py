from __future__ import annotations

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import wait_job


def test_job_runs_to_done(api: httpx.Client, model: ScriptedAnthropic) -> None:
    marker = model.add_script("smoke", [{"text": "All done: smoke passed."}])
    created = api.post("/api/jobs", json={"description": f"Say hi {marker}"})
    assert created.status_code == 201, created.text
    job = wait_job(api, created.json()["id"])
    assert job["status"] == "done", job
    assert job["result"] == "All done: smoke passed."
