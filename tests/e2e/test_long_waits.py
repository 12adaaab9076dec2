"""Blocking tools outlive Claude Code's MCP idle timeout. The CLI aborts a call that sends no
response or progress notification for CLAUDE_CODE_MCP_TOOL_IDLE_TIMEOUT ms (checked every 30 s),
and the model carries on without the answer; Podium's heartbeat keeps each wait alive for as
long as its own timeout says. Here the idle limit is 3 s and every wait lasts past the CLI's
first 30 s check."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, tool_results, wait_job, wait_tool_use
from tests.support.podium_process import PodiumServer, wait_until

# Past Claude Code's first idle check (its watchdog ticks every 30 s), with room for load.
LONG_WAIT_SEC = 36


def test_every_blocking_tool_waits_past_the_clis_idle_timeout(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic
) -> None:
    server = make_server(CLAUDE_CODE_MCP_TOOL_IDLE_TIMEOUT="3000", PODIUM_MCP_HEARTBEAT_SEC="0.5")
    with server.client() as api:
        repo = server.cwd
        held = str(repo / "late.txt")
        taken = api.post("/api/locks", json={"files": [held], "reason": "by hand", "owner": "ann"})
        assert taken.status_code == 201, taken.text
        asker = create(
            api,
            description="ask "
            + model.add_script(
                "late-ask",
                [
                    {"tool": "ask_user", "input": {"question": "Which colour?"}},
                    {"text": "user chose {{last_result.answer}}"},
                ],
            ),
        )
        jobs = {
            "asker": asker,
            "watcher": create(
                api,
                description="watch "
                + model.add_script(
                    "late-watch",
                    [
                        {
                            "tool": "watch_notes",
                            "input": {"keys": ["signal/late"], "timeout_ms": 600_000},
                        },
                        {"text": "woke with {{last_result.notes.0.value}}"},
                    ],
                ),
            ),
            "locker": create(
                api,
                description="lock "
                + model.add_script(
                    "late-lock",
                    [
                        {
                            "tool": "lock_files",
                            "input": {
                                "files": [held],
                                "reason": "after ann",
                                "timeout_ms": 600_000,
                            },
                        },
                        {"text": "got {{last_result.locked.0}}"},
                    ],
                ),
                workDir=str(repo),
            ),
            "waiter": create(
                api,
                description="wait "
                + model.add_script(
                    "late-wait",
                    [
                        {"tool": "wait_for_jobs", "input": {"job_ids": [asker["id"]]}},
                        {"text": "asker ended {{last_result.jobs.0.status}}"},
                    ],
                ),
            ),
        }
        tools = {"asker": "ask_user", "watcher": "watch_notes", "locker": "lock_files"}
        tools["waiter"] = "wait_for_jobs"
        for name, job in jobs.items():  # four agents starting at once on a loaded machine
            wait_tool_use(api, job["id"], tools[name], timeout=90)
        called = time.monotonic()
        question = wait_until(
            lambda: api.get("/api/questions", params={"status": "pending"}).json(),
            timeout=30,
            what="the pending question",
        )[0]
        # The behaviour under test is a wait longer than the CLI's idle check: it takes time.
        time.sleep(max(0.0, LONG_WAIT_SEC - (time.monotonic() - called)))
        for name, job in jobs.items():
            assert tool_results(api, job["id"]) == [], f"{name}'s wait ended early"
        assert api.get(f"/api/jobs/{asker['id']}").json()["status"] == "waiting_user"
        answered = api.post(f"/api/questions/{question['id']}/answer", json={"answer": "teal"})
        assert answered.status_code == 200, answered.text
        assert api.put("/api/notes/signal/late", json={"value": "green"}).status_code == 200
        released = api.post("/api/locks/release", json={"files": [held], "owner": "ann"})
        assert released.status_code == 200, released.text
        results = {name: wait_job(api, job["id"]) for name, job in jobs.items()}
        assert {name: r["status"] for name, r in results.items()} == dict.fromkeys(jobs, "done")
        assert results["asker"]["result"] == "user chose teal"
        assert results["watcher"]["result"] == "woke with green"
        assert results["locker"]["result"] == f"got {held}"
        assert results["waiter"]["result"] == "asker ended done"
        for name, job in jobs.items():
            [result] = tool_results(api, job["id"])
            assert not result["data"]["isError"], (name, result)
