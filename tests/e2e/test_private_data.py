"""Other local users and other machines: Podium's files are private to its user, a server that
other machines can reach needs AUTH_TOKEN, the Host check stays on for a wildcard bind, and
agents never see AUTH_TOKEN."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import wait_job
from tests.support.podium_process import PodiumServer, serve

TOKEN = "podium-auth-token-7f3a9c"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_reachable_host_without_token_refuses_to_start(tmp_path: Path) -> None:
    done = serve(tmp_path, HOST="0.0.0.0", AUTH_TOKEN="")
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("podium: HOST=0.0.0.0") and "AUTH_TOKEN" in lines[0], lines[0]


def test_agents_lack_auth_token_and_files_are_private(
    make_server: Callable[..., PodiumServer], model: ScriptedAnthropic, repo: Path
) -> None:
    server = make_server(HOST="0.0.0.0", AUTH_TOKEN=TOKEN)
    marker = model.add_script(
        "print-env",
        [{"tool": "Bash", "input": {"command": "env | sort"}}, {"text": "printed"}],
    )
    with server.client(headers={"Authorization": f"Bearer {TOKEN}"}) as api:
        rebinding = api.get("/api/jobs", headers={"Host": f"attacker.example:{server.port}"})
        assert rebinding.status_code == 403, "the Host check stays on for a wildcard bind"
        mcp = f"http://127.0.0.1:{server.mcp_port}/hook/lock"
        foreign = httpx.post(mcp, json={}, headers={"Host": f"attacker.example:{server.mcp_port}"})
        assert foreign.status_code == 403, "the MCP port's Host check too"
        assert httpx.post(mcp, json={}).status_code == 401, "own name: on to the credential check"
        job = api.post(
            "/api/jobs", json={"description": f"print env {marker}", "workDir": str(repo)}
        ).json()
        assert wait_job(api, job["id"])["status"] == "done"
        agent = api.get("/api/agents", params={"jobId": job["id"]}).json()[0]
        events = api.get(f"/api/agents/{agent['id']}/output").json()["events"]
    printed = "\n".join(e["text"] for e in events if e["kind"] == "tool_result")
    assert f"PODIUM_AGENT_ID={agent['id']}" in printed, printed[:2000]
    assert "AUTH_TOKEN=" not in printed.replace("PODIUM_AGENT_TOKEN=", "")
    assert TOKEN not in printed

    data = server.data_dir
    assert mode(data) == 0o700, oct(mode(data))
    assert mode(data / "orchestrator.db") == 0o600
    logs = list((data / "agent-logs").rglob("*"))
    assert logs, "the agent's log, prompt and stderr files exist"
    for path in logs:
        assert mode(path) & 0o077 == 0, f"{path} is {oct(mode(path))}"
