"""Gives each agent run its MCP endpoint, credential, lock hook and the rules of the house."""

from __future__ import annotations

import shlex
import sys

from podium.agents.credentials import AgentCredentials
from podium.agents.runs import AgentWiring
from podium.config import Settings

TOKEN_ENV = "PODIUM_AGENT_TOKEN"
# Blocking tools (lock_files, wait_for_jobs, ask_user) may hold a call open for a long time.
TOOL_TIMEOUT_MS = 3_700_000

TOOLS_PROMPT = """\
## Podium coordination (MCP server "podium")
Your agent id is {agent_id}. Other agents may be working in the same repository right now.
Tools: lock_files(files, reason) / release_files(files) / check_file_locks() for file locks;
read_note, write_note, list_notes(prefix?), delete_note, watch_notes(keys?, prefix?, until_value?,
timeout_ms?) for the shared scratchpad (use namespaced keys like "results/step1", and watch
instead of polling); create_job(description, ...) and wait_for_jobs(job_ids, timeout_ms?) for
sub-agents; ask_user(question) when only the user can decide; report_status(message) to show
progress on the dashboard; finish_job(result?) when the task is complete.
Locking rule: before you edit a file another agent might touch, call lock_files on it; release
it with release_files as soon as you are done. An edit to a file locked by another agent is
refused. If lock_files reports a deadlock, release your locks and try again."""


def hook_command(interpreter: str = sys.executable) -> str:
    """The PreToolUse hook: a stdlib-only module, so it starts in milliseconds.

    Claude Code runs it through a shell and blocks the edit only on exit 2; any other failure
    (exit 127 for an interpreter that is gone after a venv rebuild, exit 1 for a module that no
    longer imports, a signal) would let the edit through. So the shell turns every exit but 0
    and 2 into 2 with a message, unless PODIUM_LOCK_FAIL_OPEN=1."""
    python = shlex.quote(interpreter)
    failed = (
        "Podium lock hook could not run (exit %s): %s -m podium.hook. The edit is blocked so "
        "it cannot overwrite the work of another agent.\\n"
    )
    return (
        f"{python} -m podium.hook || {{ s=$?; [ $s -eq 2 ] && exit 2; "
        '[ "$PODIUM_LOCK_FAIL_OPEN" = 1 ] && exit 0; '
        f'printf {shlex.quote(failed)} "$s" {python} >&2; exit 2; }}'
    )


class AgentWiringFactory:
    def __init__(self, settings: Settings, credentials: AgentCredentials) -> None:
        self._settings = settings
        self._credentials = credentials

    def __call__(self, agent_id: str, job_id: str) -> AgentWiring:
        token = self._credentials.issue(agent_id)
        base = self._settings.mcp_base_url
        return AgentWiring(
            env={
                TOKEN_ENV: token,
                "PODIUM_HOOK_URL": f"{base}/hook/lock",
                "MCP_TOOL_TIMEOUT": str(TOOL_TIMEOUT_MS),
                # Claude Code --print connects MCP servers in the background by default; on a
                # loaded machine the first turn would then go out without Podium's tools.
                "MCP_CONNECTION_NONBLOCKING": "0",
                # Said outright, so the hook's choice does not hang on what the agent inherits.
                "PODIUM_LOCK_FAIL_OPEN": "1" if self._settings.lock_fail_open else "0",
            },
            mcp_url=f"{base}/mcp/{agent_id}",
            # Claude Code expands ${VAR} from the agent's environment, so the token never
            # appears on a command line.
            mcp_headers={"Authorization": f"Bearer ${{{TOKEN_ENV}}}"},
            hook_command=hook_command(),
            system_prompt=TOOLS_PROMPT.format(agent_id=agent_id),
        )
