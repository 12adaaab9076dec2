"""What one agent run is given: its credential in the environment, never on a command line, and
the lock hook's fail-open choice said outright from the Settings."""

from __future__ import annotations

from typing import cast

from podium.agents.credentials import AgentCredentials
from podium.agents.wiring import TOKEN_ENV, AgentWiringFactory
from podium.config import Settings


class OneToken:
    def issue(self, agent_id: str) -> str:
        return f"secret-of-{agent_id}"


def wire(**settings: object) -> dict[str, str]:
    factory = AgentWiringFactory(Settings(**settings), cast("AgentCredentials", OneToken()))
    wiring = factory("ag_1", "job_1")
    assert "secret-of-ag_1" not in (wiring.hook_command or "") + str(wiring.mcp_headers)
    return dict(wiring.env)


def test_the_hook_fails_closed_unless_the_settings_say_otherwise() -> None:
    assert wire(PODIUM_LOCK_FAIL_OPEN=False)["PODIUM_LOCK_FAIL_OPEN"] == "0"
    assert wire(PODIUM_LOCK_FAIL_OPEN=True)["PODIUM_LOCK_FAIL_OPEN"] == "1"


def test_the_token_and_hook_url_reach_the_agent_through_its_environment() -> None:
    env = wire(MCP_PORT=4999)
    assert env[TOKEN_ENV] == "secret-of-ag_1"
    assert env["PODIUM_HOOK_URL"] == "http://127.0.0.1:4999/hook/lock"
