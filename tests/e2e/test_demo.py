"""`podium serve --demo`: the built-in scripted model drives real Claude agents through the
seeded jobs, and they really coordinate (a contended lock, a sub-agent, a question)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from podium.demo import scenario
from tests.support.jobs import CLAUDE_BIN, kill_leftover_agents, output, tool_results, wait_job
from tests.support.podium_process import PodiumServer, agent_env, wait_until


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[PodiumServer]:
    if not CLAUDE_BIN.exists():
        pytest.fail("the pinned claude CLI is missing: run `make test` (npm ci) first")
    home = tmp_path / "home"
    home.mkdir()
    # No ANTHROPIC_BASE_URL: demo mode must bring its own model.
    env = agent_env(home, None)
    server = PodiumServer(tmp_path / "data", env, cwd=tmp_path, serve_args=("--demo",))
    server.start()
    yield server
    with server.client() as api:
        work_dirs = {job["workDir"] for job in api.get("/api/jobs").json()}
    server.stop()
    kill_leftover_agents(server)
    for work_dir in work_dirs:  # the demo's fresh repository, in a temp dir of its own
        if Path(work_dir).name == "repo" and "podium-demo-" in work_dir:
            shutil.rmtree(Path(work_dir).parent, ignore_errors=True)


def by_title(api: httpx.Client, title: str) -> dict[str, Any]:
    [job] = [j for j in api.get("/api/jobs").json() if j["title"] == title]
    return job


def first_ts(events: list[dict[str, Any]], kind: str, tool: str) -> float:
    return float(
        next(e["ts"] for e in events if e["kind"] == kind and e["data"]["name"].endswith(tool))
    )


def test_demo_seeds_jobs_that_coordinate(demo: PodiumServer) -> None:
    with demo.client() as api:
        wait_until(lambda: len(api.get("/api/jobs").json()) >= 4, timeout=20, what="seeded jobs")
        holder = by_title(api, "Refactor the config loader")
        waiter = by_title(api, "Add a log level setting")
        parent = by_title(api, "Prepare the 0.2.0 release")
        asker = by_title(api, "Pick a license")
        work_dir = Path(holder["workDir"])
        assert work_dir != demo.cwd and (work_dir / ".git").is_dir(), "a fresh git repo"

        # A contended lock: the waiter asked while the holder held it, got it after the release.
        holder_done = wait_job(api, holder["id"], timeout=60)
        waiter_done = wait_job(api, waiter["id"], timeout=60)
        assert holder_done["status"] == waiter_done["status"] == "done", (holder_done, waiter_done)
        asked_at = first_ts(output(api, waiter["id"]), "tool_use", "lock_files")
        released_at = first_ts(output(api, holder["id"]), "tool_use", "release_files")
        # Tool results in script order: the holder's 1st is its lock, the waiter's 4th is its.
        locked_at = tool_results(api, holder["id"])[0]["ts"]
        granted = tool_results(api, waiter["id"])[3]
        granted_at = granted["ts"]
        assert scenario.CONFIG_FILE in str(granted["data"]["content"]), granted
        assert locked_at < asked_at < released_at, "the waiter asked while the lock was held"
        # ...and was granted it only at the release (timestamps are ingest times of two agents'
        # logs, so allow a little jitter between them), seconds after asking.
        assert granted_at > released_at - 0.25 and granted_at - asked_at > 3
        assert waiter_done["finishedAt"] > holder_done["finishedAt"]
        assert (work_dir / scenario.CONFIG_FILE).read_text() == scenario.CONFIG_V3
        note = api.get(f"/api/notes/{scenario.LOCKED_NOTE}").json()
        holder_agents = [
            a["id"] for a in api.get("/api/agents", params={"jobId": holder["id"]}).json()
        ]
        assert note["updatedBy"] in holder_agents, "the holder's note woke the waiter"

        # A parent that created a sub-agent and waited for it.
        parent_done = wait_job(api, parent["id"], timeout=60)
        [child] = api.get("/api/jobs", params={"parentJobId": parent["id"]}).json()
        assert child["parentJobId"] == parent["id"] and child["status"] == "done"
        assert child["result"] in parent_done["result"]

        # A question that waits for a person (a red card) until answered.
        question = wait_until(
            lambda: [
                q
                for q in api.get("/api/questions", params={"status": "pending"}).json()
                if q["jobId"] == asker["id"]
            ],
            timeout=60,
            what="the demo's question",
        )[0]
        assert question["question"] == scenario.QUESTION
        assert api.get(f"/api/jobs/{asker['id']}").json()["status"] == "waiting_user"
        answered = api.post(
            f"/api/questions/{question['id']}/answer", json={"answer": "Apache-2.0"}
        )
        assert answered.status_code == 200
        asker_done = wait_job(api, asker["id"], timeout=60)
        assert asker_done["result"] == "Using the Apache-2.0 license, as you chose.", asker_done
        assert api.get("/api/notes/decisions/license").json()["value"] == "Apache-2.0"
        assert asker_done["costUsd"] > 0, "the scripted usage is priced"
