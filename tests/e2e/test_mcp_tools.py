"""Every coordination tool through the real Claude Code CLI and Podium's real MCP server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import (
    create,
    group_alive,
    output,
    running_agent,
    tool_results,
    wait_job,
    wait_tool_use,
)
from tests.support.podium_process import PODIUM_BIN, PodiumServer, wait_until


def test_notes_status_and_lock_tools_round_trip(
    api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    marker = model.add_script(
        "roundtrip",
        [
            {"tool": "write_note", "input": {"key": "results/alpha", "value": "42"}},
            {"tool": "read_note", "input": {"key": "results/alpha"}},
            {"tool": "list_notes", "input": {"prefix": "results/"}},
            {"tool": "report_status", "input": {"message": "halfway there"}},
            {"tool": "lock_files", "input": {"files": ["src/a.py"], "reason": "refactor"}},
            {"tool": "check_file_locks", "input": {}},
            {"tool": "release_files", "input": {"files": ["src/a.py"]}},
            {"tool": "delete_note", "input": {"key": "results/alpha"}},
            {"text": "read={{result:2.value}} locks={{result:6}}"},
        ],
    )
    job = create(api, description=f"coordinate {marker}", workDir=str(repo))
    done = wait_job(api, job["id"])
    assert done["status"] == "done", done
    assert done["result"].startswith("read=42 locks=")
    locks_seen = json.loads(done["result"].split("locks=", 1)[1])["locks"]
    assert locks_seen[0]["path"] == str(repo / "src" / "a.py") and locks_seen[0]["mine"]
    assert all(not r["data"]["isError"] for r in tool_results(api, job["id"]))
    assert api.get("/api/notes/results/alpha").status_code == 404
    assert api.get("/api/locks").json() == []
    history = api.get(f"/api/jobs/{job['id']}/status-history").json()
    assert [h["message"] for h in history] == ["halfway there"]
    assert done["statusMessage"] == "halfway there"


def test_notes_written_over_rest_reach_agents_and_back(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    assert api.put("/api/notes/config/mode", json={"value": "fast"}).status_code == 200
    marker = model.add_script(
        "notes-rest",
        [
            {"tool": "read_note", "input": {"key": "config/mode"}},
            {"tool": "write_note", "input": {"key": "agent/said", "value": "{{result:1.value}}"}},
            {"text": "ok"},
        ],
    )
    wait_job(api, create(api, description=f"n {marker}")["id"])
    note = api.get("/api/notes/agent/said").json()
    assert note["value"] == "fast" and note["updatedBy"].startswith("ag_")
    assert [n["key"] for n in api.get("/api/notes", params={"prefix": "agent/"}).json()] == [
        "agent/said"
    ]


def test_contended_lock_waits_for_release(
    api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    first = model.add_script(
        "holder",
        [
            {"tool": "lock_files", "input": {"files": ["shared.txt"], "reason": "first"}},
            {"tool": "Bash", "input": {"command": "sleep 6"}},
            {"tool": "release_files", "input": {"files": ["shared.txt"]}},
            {"text": "released"},
        ],
    )
    second = model.add_script(
        "waiter",
        [
            {"tool": "lock_files", "input": {"files": ["shared.txt"], "reason": "second"}},
            {"text": "second got {{last_result}}"},
        ],
    )
    holder = create(api, description=f"h {first}", workDir=str(repo))
    wait_until(lambda: api.get("/api/locks").json(), timeout=30, what="first lock")
    waiter = create(api, description=f"w {second}", workDir=str(repo))
    assert wait_job(api, waiter["id"])["status"] == "done"
    assert wait_job(api, holder["id"])["status"] == "done"
    released_at = next(
        e["ts"]
        for e in output(api, holder["id"])
        if e["kind"] == "tool_use" and e["data"]["name"].endswith("release_files")
    )
    asked_at = next(
        e["ts"]
        for e in output(api, waiter["id"])
        if e["kind"] == "tool_use" and e["data"]["name"].endswith("lock_files")
    )
    granted_at = tool_results(api, waiter["id"])[0]["ts"]
    # Timestamps are ingest times of two agents' logs, which can be read in either order
    # within one flush, so allow a little jitter; the holder's 6 s sleep dwarfs it.
    assert asked_at < released_at - 0.5, "the waiter asked while the lock was held"
    assert granted_at > released_at - 0.25, "the waiter got the lock only at the release"
    assert str(repo / "shared.txt") in api.get(f"/api/jobs/{waiter['id']}").json()["result"]


def test_hook_blocks_writes_to_files_locked_by_others(
    api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    guarded = repo / "guarded.txt"
    guarded.write_text("original\n")
    mine = repo / "mine.txt"
    owner = model.add_script(
        "owner",
        [
            {"tool": "lock_files", "input": {"files": [str(guarded)], "reason": "owner edits"}},
            {"tool": "Bash", "input": {"command": "sleep 8"}},
            {"text": "owner done"},
        ],
    )
    intruder = model.add_script(
        "intruder",
        [
            {"tool": "Read", "input": {"file_path": str(guarded)}},
            {"tool": "Write", "input": {"file_path": str(guarded), "content": "clobbered\n"}},
            {"tool": "lock_files", "input": {"files": [str(mine)], "reason": "own file"}},
            {"tool": "Write", "input": {"file_path": str(mine), "content": "mine\n"}},
            {"text": "write said: {{result:2}}"},
        ],
    )
    holder = create(api, description=f"o {owner}", workDir=str(repo))
    wait_until(lambda: api.get("/api/locks").json(), timeout=30, what="owner's lock")
    other = create(api, description=f"i {intruder}", workDir=str(repo))
    done = wait_job(api, other["id"])
    assert done["status"] == "done", done
    assert guarded.read_text() == "original\n", "the hook kept the locked file untouched"
    assert mine.read_text() == "mine\n", "a write under one's own lock lands"
    first_write = tool_results(api, other["id"])[1]
    assert first_write["data"]["isError"]
    holder_agent = api.get(f"/api/jobs/{holder['id']}").json()["currentAgentId"]
    assert f"locked by agent {holder_agent}" in first_write["data"]["content"]
    wait_job(api, holder["id"])


def test_opposite_order_locking_is_a_detected_deadlock(
    api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    def script(name: str, first: str, second: str) -> str:
        return model.add_script(
            name,
            [
                {"tool": "lock_files", "input": {"files": [first], "reason": name}},
                {"tool": "Bash", "input": {"command": "sleep 2"}},
                {"tool": "lock_files", "input": {"files": [second], "reason": name}},
                {"tool": "release_files", "input": {"files": [first, second]}},
                {"text": "{{result:3}}"},
            ],
        )

    a = create(api, description=f"a {script('dl-a', 'p1', 'p2')}", workDir=str(repo))
    b = create(api, description=f"b {script('dl-b', 'p2', 'p1')}", workDir=str(repo))
    started = time.monotonic()
    results = [wait_job(api, job["id"], timeout=60) for job in (a, b)]
    assert time.monotonic() - started < 40
    assert all(r["status"] == "done" for r in results), results
    texts = [r["result"] for r in results]
    assert sum("deadlock" in t for t in texts) == 1, texts
    refused = next(t for t in texts if "deadlock" in t)
    other_job = b if refused == results[0]["result"] else a
    holder_agent = api.get(f"/api/jobs/{other_job['id']}").json()["currentAgentId"]
    assert holder_agent in refused, "the error names the holder"


def test_lock_is_freed_when_its_holder_is_killed(
    api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    marker = model.add_script(
        "doomed",
        [
            {"tool": "lock_files", "input": {"files": ["held.txt"], "reason": "doomed"}},
            {"text": "never", "delay": 120},
        ],
    )
    job = create(api, description=f"d {marker}", workDir=str(repo))
    agent = running_agent(api, job["id"])
    wait_until(lambda: api.get("/api/locks").json(), timeout=30)
    os.killpg(agent["pid"], signal.SIGKILL)
    wait_until(lambda: api.get("/api/locks").json() == [], timeout=15, what="lock released")
    assert wait_job(api, job["id"])["status"] == "failed"


def test_watch_notes_wakes_on_write(api: httpx.Client, model: ScriptedAnthropic) -> None:
    marker = model.add_script(
        "watcher",
        [
            {"tool": "watch_notes", "input": {"keys": ["signal/go"], "timeout_ms": 60000}},
            {"text": "woke with {{last_result.notes.0.value}}"},
        ],
    )
    job = create(api, description=f"watch {marker}")
    wait_tool_use(api, job["id"], "watch_notes")
    time.sleep(0.5)
    written_at = time.time()
    api.put("/api/notes/signal/go", json={"value": "green"})
    done = wait_job(api, job["id"])
    assert done["result"] == "woke with green"
    answered_at = tool_results(api, job["id"])[0]["ts"]
    latency_ms = (answered_at - written_at) * 1000
    print(f"watch_notes: note written -> tool result in the agent's log: {latency_ms:.0f} ms")
    assert latency_ms < 3000, "woken by the write, not by the 60 s timeout"


def test_sub_agent_create_and_wait(api: httpx.Client, model: ScriptedAnthropic) -> None:
    child = model.add_script("child", [{"text": "child result: 7 apples", "delay": 1}])
    parent = model.add_script(
        "parent",
        [
            {
                "tool": "create_job",
                "input": {"description": f"count apples {child}", "title": "apple counter"},
            },
            {"tool": "wait_for_jobs", "input": {"job_ids": ["{{result:1.job_id}}"]}},
            {"text": "child said: {{result:2.jobs.0.result_text}}"},
        ],
    )
    project = api.post("/api/projects", json={"name": "orchard"}).json()
    job = create(
        api, description=f"delegate {parent}", projectId=project["id"], model="claude-sonnet-4-5"
    )
    done = wait_job(api, job["id"])
    assert done["result"] == "child said: child result: 7 apples", done
    [kid] = api.get("/api/jobs", params={"parentJobId": job["id"]}).json()
    assert kid["title"] == "apple counter" and kid["status"] == "done"
    assert kid["projectId"] == project["id"] and kid["model"] == "claude-sonnet-4-5"


def test_ask_user_answered_over_rest(api: httpx.Client, model: ScriptedAnthropic) -> None:
    marker = model.add_script(
        "asker",
        [
            {"tool": "ask_user", "input": {"question": "Which colour?"}},
            {"text": "user chose {{last_result.answer}}"},
        ],
    )
    job = create(api, description=f"ask {marker}")
    question = wait_until(
        lambda: api.get("/api/questions", params={"status": "pending"}).json(),
        timeout=30,
        what="a pending question",
    )[0]
    assert question["question"] == "Which colour?" and question["jobId"] == job["id"]
    assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "waiting_user"
    answered = api.post(f"/api/questions/{question['id']}/answer", json={"answer": "teal"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert wait_job(api, job["id"])["result"] == "user chose teal"
    again = api.post(f"/api/questions/{question['id']}/answer", json={"answer": "red"})
    assert again.status_code == 409


def test_finish_job_sets_the_result_and_stops_the_agent(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "finisher",
        [
            {"tool": "finish_job", "input": {"result": "finished through the tool"}},
            {"text": "lingering", "delay": 120},
        ],
    )
    job = create(api, description=f"f {marker}")
    agent = running_agent(api, job["id"])
    done = wait_job(api, job["id"])
    assert done["status"] == "done" and done["result"] == "finished through the tool"
    wait_until(lambda: not group_alive(agent["pid"]), timeout=30, what="agent stopped")
    final = api.get(f"/api/jobs/{job['id']}").json()
    assert final["status"] == "done" and final["result"] == "finished through the tool"


def test_bad_tool_arguments_give_an_error_and_the_agent_goes_on(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "badargs",
        [
            {"tool": "lock_files", "input": {"files": [], "reason": "nothing"}},
            {"tool": "wait_for_jobs", "input": {"job_ids": ["job_nope"]}},
            {"tool": "watch_notes", "input": {}},
            {"text": "errors: {{result:1}} | {{result:2}} | {{result:3}}"},
        ],
    )
    done = wait_job(api, create(api, description=f"bad {marker}")["id"])
    assert done["status"] == "done"
    assert "at least one file" in done["result"]
    assert "job_nope" in done["result"] and "keys or a prefix" in done["result"]


def test_mcp_refuses_requests_without_credentials(server: PodiumServer) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream"}
    base = f"http://127.0.0.1:{server.mcp_port}"
    assert httpx.post(f"{base}/mcp", json=body, headers=headers).status_code == 401
    wrong = headers | {"Authorization": "Bearer not-a-token"}
    assert httpx.post(f"{base}/mcp/ag_x", json=body, headers=wrong).status_code == 401
    hook = httpx.post(f"{base}/hook/lock", json={"file": "/etc/passwd"})
    assert hook.status_code == 401
    browser = httpx.post(f"{base}/mcp", json=body, headers=headers | {"Origin": "http://x"})
    assert browser.status_code == 403
    assert "Bearer" not in server.log_text()


def test_an_agents_token_works_while_it_runs_and_never_after(
    server: PodiumServer, api: httpx.Client, model: ScriptedAnthropic, tmp_path: Path
) -> None:
    saved = tmp_path / "token"
    marker = model.add_script(
        "token-life",
        [
            {"tool": "Bash", "input": {"command": f'printf %s "$PODIUM_AGENT_TOKEN" > {saved}'}},
            {"text": "done", "delay": 4},
        ],
    )
    job = create(api, description=f"t {marker}")
    agent_id = running_agent(api, job["id"])["id"]
    wait_until(lambda: saved.exists() and saved.read_text(), timeout=30, what="the token")
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {
        "Accept": "application/json, text/event-stream",
        "Authorization": f"Bearer {saved.read_text()}",
    }
    url = f"http://127.0.0.1:{server.mcp_port}/mcp/{agent_id}"
    assert httpx.post(url, json=body, headers=headers).status_code == 200, "valid while it runs"
    assert wait_job(api, job["id"])["status"] == "done"
    refused = httpx.post(url, json=body, headers=headers)
    assert refused.status_code == 401, "revoked when the run ended"
    hook = httpx.post(
        f"http://127.0.0.1:{server.mcp_port}/hook/lock",
        json={"file": str(tmp_path / "x.txt"), "tool": "Write"},
        headers={"Authorization": headers["Authorization"]},
    )
    assert hook.status_code == 401


def test_lock_cli_for_humans(server: PodiumServer, model: ScriptedAnthropic, repo: Path) -> None:
    env = server.env | {"PORT": str(server.port)}
    target = repo / "human.txt"
    target.write_text("by hand\n")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PODIUM_BIN), "lock", *args], cwd=repo, env=env, capture_output=True, text=True
        )

    taken = cli("acquire", "human.txt", "--reason", "editing by hand", "--owner", "ann")
    assert taken.returncode == 0, taken.stderr
    held = cli("check", "human.txt")
    assert held.returncode == 1 and "human:ann" in held.stdout
    marker = model.add_script(
        "respect-human",
        [
            {"tool": "Read", "input": {"file_path": str(target)}},
            {"tool": "Write", "input": {"file_path": str(target), "content": "agent\n"}},
            {"text": "{{last_result}}"},
        ],
    )
    with server.client() as api:
        done = wait_job(api, create(api, description=f"r {marker}", workDir=str(repo))["id"])
    assert target.read_text() == "by hand\n" and "human:ann" in done["result"]
    assert cli("release", "human.txt", "--owner", "ann").returncode == 0
    assert "is free" in cli("check", "human.txt").stdout
