"""Codex agents end to end: real `podium serve`, the real `codex` CLI, a scripted OpenAI API.

The server gets ``OPENAI_BASE_URL`` (the fake's /v1 URL) and a private ``CODEX_HOME``; Podium
passes the URL to codex as a `model_providers` override and wires its MCP server with
``bearer_token_env_var`` (see `podium.agents.providers.codex`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.fakes.openai_server import ScriptedOpenAI
from tests.support.jobs import (
    agents_of,
    create,
    group_alive,
    output,
    running_agent,
    tool_results,
    wait_job,
    wait_tool_use,
)
from tests.support.podium_process import PodiumServer, wait_until

MODEL = "codex-gpt-5.3-codex"  # an explicit id: the CLI's default model is sent no tools


def test_codex_job_result_usage_and_cost(
    codex_api: httpx.Client, openai_model: ScriptedOpenAI
) -> None:
    marker = openai_model.add_script(
        "codex-basic",
        [
            {"tool": "exec_command", "input": {"cmd": "echo zebra-from-codex"}},
            {
                "text": "Codex finished: {{last_result}}",
                "usage": {"input_tokens": 2000, "output_tokens": 300},
            },
        ],
    )
    job = create(codex_api, description=f"Run the check {marker}", model=MODEL)
    done = wait_job(codex_api, job["id"])
    assert done["status"] == "done", done
    assert done["result"].startswith("Codex finished:") and "zebra-from-codex" in done["result"]
    [agent] = agents_of(codex_api, job["id"])
    assert agent["provider"] == "codex" and agent["model"] == MODEL
    assert agent["sessionId"] and agent["exitCode"] == 0
    # Two requests: 10 + 2000 input tokens, 5 + 300 output (the fake's defaults + the step's).
    assert (agent["inputTokens"], agent["outputTokens"]) == (2010, 305)
    assert agent["numTurns"] == 2  # the shell call, then the final answer
    assert agent["costUsd"] > 0 and done["costUsd"] == agent["costUsd"]
    kinds = [e["kind"] for e in output(codex_api, job["id"])]
    assert kinds[0] == "init" and "tool_use" in kinds and "tool_result" in kinds

    usage = codex_api.get("/api/usage").json()
    codex, claude = usage["totals"]["codex"], usage["totals"]["claude"]
    assert codex["runs"] == 1 and codex["inputTokens"] == 2010
    assert codex["costUsd"] == agent["costUsd"]
    assert claude == {"runs": 0, "inputTokens": 0, "outputTokens": 0, "costUsd": 0.0}
    [row] = [r for r in usage["byModel"] if r["provider"] == "codex"]
    assert row["model"] == MODEL and row["pricedUsd"] is not None


def test_codex_agent_uses_podium_tools_and_its_child_runs_on_codex(
    codex_api: httpx.Client, openai_model: ScriptedOpenAI, repo: Path
) -> None:
    child_marker = openai_model.add_script("codex-child", [{"text": "child done"}])
    marker = openai_model.add_script(
        "codex-tools",
        [
            {"tool": "write_note", "input": {"key": "codex/said", "value": "hello"}},
            {"tool": "lock_files", "input": {"files": ["src/a.py"], "reason": "refactor"}},
            {"tool": "check_file_locks", "input": {}},
            {"tool": "create_job", "input": {"description": f"child task {child_marker}"}},
            {"text": "parent done"},
        ],
    )
    job = create(codex_api, description=f"coordinate {marker}", model=MODEL, workDir=str(repo))
    done = wait_job(codex_api, job["id"])
    assert done["status"] == "done", done
    assert done["result"] == "parent done"

    results = tool_results(codex_api, job["id"])
    assert len(results) == 4 and not any(r["data"]["isError"] for r in results), results
    uses = [e["data"]["name"] for e in output(codex_api, job["id"]) if e["kind"] == "tool_use"]
    assert uses == [
        "podium.write_note",
        "podium.lock_files",
        "podium.check_file_locks",
        "podium.create_job",
    ]
    note = codex_api.get("/api/notes/codex/said").json()
    assert (
        note["value"] == "hello" and note["updatedBy"] == agents_of(codex_api, job["id"])[0]["id"]
    )
    locks = json.loads(results[2]["data"]["content"])["locks"]
    assert locks[0]["path"] == str(repo / "src" / "a.py") and locks[0]["mine"]
    assert codex_api.get("/api/locks").json() == []  # released when the agent ended

    [child] = codex_api.get("/api/jobs", params={"parentJobId": job["id"]}).json()
    assert child["model"] == MODEL  # create_job defaults to the parent's model
    child_done = wait_job(codex_api, child["id"])
    assert child_done["status"] == "done" and child_done["result"] == "child done"
    [child_agent] = agents_of(codex_api, child["id"])
    assert child_agent["provider"] == "codex" and child_agent["model"] == MODEL


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_cancel_kills_the_codex_process_group(
    codex_api: httpx.Client, openai_model: ScriptedOpenAI
) -> None:
    marker = openai_model.add_script(
        "codex-hang",
        [{"tool": "exec_command", "input": {"cmd": "sleep 60"}}, {"text": "never"}],
    )
    job = create(codex_api, description=f"hang {marker}", model=MODEL)
    agent = running_agent(codex_api, job["id"])
    pid = agent["pid"]
    wait_tool_use(codex_api, job["id"], "exec_command")
    sleepers = wait_until(
        lambda: [p for p in _descendants(pid) if p.name() == "sleep"],
        timeout=15,
        what="codex ran `sleep 60`",
    )
    tree = _descendants(pid)
    cancelled = codex_api.post(f"/api/jobs/{job['id']}/cancel").json()
    assert cancelled["status"] == "cancelled"
    wait_until(lambda: not group_alive(pid), timeout=15, what="process group gone")
    wait_until(
        lambda: not any(_alive(p) for p in tree + sleepers),
        timeout=15,
        what="codex and the command it ran gone",
    )
    final = wait_until(
        lambda: (
            (a := codex_api.get(f"/api/agents/{agent['id']}").json())["status"] == "exited" and a
        ),
        timeout=15,
    )
    assert final["stopReason"] == "cancelled by user"
    assert codex_api.get(f"/api/jobs/{job['id']}").json()["status"] == "cancelled"


def test_codex_agent_survives_a_server_crash(
    codex_server: PodiumServer, openai_model: ScriptedOpenAI
) -> None:
    marker = openai_model.add_script(
        "codex-survive",
        [
            {"tool": "exec_command", "input": {"cmd": "sleep 3 && echo slept"}},
            {"text": "survived: {{last_result}}"},
        ],
    )
    with codex_server.client() as api:
        job = create(api, description=f"survive {marker}", model=MODEL)
        agent = running_agent(api, job["id"])
        wait_tool_use(api, job["id"], "exec_command")
    codex_server.kill()
    assert group_alive(agent["pid"]), "the agent keeps running without the server"
    codex_server.start()
    with codex_server.client() as api:
        done = wait_job(api, job["id"])
        assert done["status"] == "done", done
        assert done["result"].startswith("survived:") and "slept" in done["result"]
        after = api.get(f"/api/agents/{agent['id']}").json()
        assert after["exitCode"] == 0 and after["numTurns"] == 2 and after["inputTokens"] > 0
        events = api.get(f"/api/agents/{agent['id']}/output").json()["events"]
        seqs = [event["seq"] for event in events]
        assert seqs == list(range(1, len(seqs) + 1)), "no event lost or doubled"


def test_continue_resumes_the_codex_thread(
    codex_api: httpx.Client, openai_model: ScriptedOpenAI
) -> None:
    marker = openai_model.add_script(
        "codex-continue",
        [
            {"text": "first answer", "usage": {"input_tokens": 1000, "output_tokens": 100}},
            {
                "text": "second answer to: {{prompt}}",
                "usage": {"input_tokens": 1500, "output_tokens": 50},
            },
        ],
    )
    job = create(codex_api, description=f"remember {marker}", model=MODEL)
    first = wait_job(codex_api, job["id"])
    assert first["status"] == "done" and first["result"] == "first answer", first
    response = codex_api.post(f"/api/jobs/{job['id']}/continue", json={"message": "and then?"})
    assert response.status_code == 200, response.text

    def both_done() -> list[dict[str, Any]] | None:
        found = agents_of(codex_api, job["id"])
        job_now = codex_api.get(f"/api/jobs/{job['id']}").json()
        return found if len(found) == 2 and job_now["status"] == "done" else None

    one, two = wait_until(both_done, timeout=60, what="the continued run done")
    done = codex_api.get(f"/api/jobs/{job['id']}").json()
    assert done["result"].startswith("second answer to:") and "and then?" in done["result"]
    assert two["provider"] == "codex" and two["sessionId"] == one["sessionId"]
    steps = [r.step for r in openai_model.log if r.script == "codex-continue"]
    assert steps == [0, 1]  # the resumed run re-sent the first exchange
    # Codex's totals are the thread's; each run is charged only its own tokens.
    assert (one["inputTokens"], one["outputTokens"]) == (1000, 100)
    assert (two["inputTokens"], two["outputTokens"]) == (1500, 50)
    assert done["costUsd"] == one["costUsd"] + two["costUsd"]


def test_codex_stop_modes_turns_and_time(
    codex_api: httpx.Client, openai_model: ScriptedOpenAI
) -> None:
    """Codex has no --max-turns: Podium counts its model requests and stops it past the cap."""
    busy = openai_model.add_script(
        "codex-turns",
        [
            {"tool": "exec_command", "input": {"cmd": "echo one"}},
            {"tool": "exec_command", "input": {"cmd": "echo two"}},
            {"tool": "exec_command", "input": {"cmd": "sleep 30"}},
            {"text": "should not get here"},
        ],
    )
    slow = openai_model.add_script("codex-time", [{"text": "too slow", "delay": 60}])
    capped = create(codex_api, description=f"t {busy}", model=MODEL, stopMode="turns", stopValue=1)
    timed = create(codex_api, description=f"m {slow}", model=MODEL, stopMode="time", stopValue=0.05)
    by_turns = wait_job(codex_api, capped["id"], timeout=60)
    assert by_turns["status"] == "failed" and "turn limit" in by_turns["statusReason"], by_turns
    assert agents_of(codex_api, capped["id"])[0]["numTurns"] <= 3
    by_time = wait_job(codex_api, timed["id"], timeout=60)
    assert by_time["status"] == "failed" and "time limit" in by_time["statusReason"], by_time


def test_codex_edit_of_a_file_someone_else_locked_is_reported(
    codex_api: httpx.Client, openai_model: ScriptedOpenAI, repo: Path
) -> None:
    """Codex has no write hook: the lock audit reports the edit and flags the job."""
    held = repo / "held.txt"
    held.write_text("mine\n")
    taken = codex_api.post(
        "/api/locks", json={"files": [str(held)], "reason": "hand edit", "owner": "ann"}
    )
    assert taken.status_code == 201, taken.text
    marker = openai_model.add_script(
        "codex-trespass",
        [
            {
                "tool": "exec_command",
                "input": {"cmd": "echo changed > held.txt; echo ok > free.txt"},
            },
            {"text": "edited"},
        ],
    )
    job = create(codex_api, description=f"edit {marker}", model=MODEL, workDir=str(repo))
    assert wait_job(codex_api, job["id"])["status"] == "done"

    def reported() -> dict[str, Any] | None:
        current: dict[str, Any] = codex_api.get(f"/api/jobs/{job['id']}").json()
        return current if current["flagged"] else None

    flagged = wait_until(reported, timeout=15, what="the lock audit")
    assert "held.txt (held by human:ann)" in flagged["statusMessage"]
    assert "free.txt" not in flagged["statusMessage"]


def test_plain_codex_runs_the_default_model_setting_with_tools(
    codex_api: httpx.Client, openai_model: ScriptedOpenAI
) -> None:
    """`codex` (no model named) is PODIUM_CODEX_DEFAULT_MODEL, not the CLI's own default, which
    codex-cli 0.169 sends no tools at all through a custom provider (OPENAI_BASE_URL)."""
    marker = openai_model.add_script(
        "codex-default-model",
        [
            {"tool": "exec_command", "input": {"cmd": "echo default-model-has-a-shell"}},
            {"text": "shell said {{last_result}}"},
        ],
    )
    job = create(codex_api, description=f"Use the shell {marker}", model="codex")
    done = wait_job(codex_api, job["id"])
    requests = openai_model.requests_for("codex-default-model")
    assert requests, "codex never asked the model"
    first = requests[0]
    assert first["model"] == "gpt-5.3-codex"
    assert first.get("tools"), "the request offered the agent no tools"
    assert done["status"] == "done", done
    assert "default-model-has-a-shell" in done["result"]
