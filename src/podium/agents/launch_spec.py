"""What one agent run is started with: the provider's command line for the request (batch or
its TUI), Podium's wiring (MCP endpoint, credential, lock hook) and the environment."""

from __future__ import annotations

import os
from typing import Any

from podium.agents.host import HostedRun
from podium.agents.process import AgentFiles
from podium.agents.providers.base import LaunchSpec, Provider
from podium.agents.runs import AgentWiring, LaunchRequest
from podium.config import Settings
from podium.ids import now


def agent_row(
    agent_id: str, request: LaunchRequest, provider: Provider, files: AgentFiles
) -> dict[str, Any]:
    """The agent's row as stored before it starts, with the limits it will be held to."""
    created = now()
    return {
        "id": agent_id,
        "job_id": request.job_id,
        "provider": provider.name,
        "model": request.model,
        "status": "starting",
        "log_path": str(files.log),
        "work_dir": str(request.work_dir),
        "session_id": request.resume_session_id,
        "budget_usd": request.budget_usd,
        "turn_cap": None if provider.enforces_turn_cap else request.max_turns,
        "max_turns": request.max_turns,
        "deadline_at": created + request.time_limit_sec if request.time_limit_sec else None,
        "created_at": created,
        "interactive": request.interactive,
    }


def hosted_run(
    settings: Settings,
    agent_id: str,
    request: LaunchRequest,
    provider: Provider,
    files: AgentFiles,
    wiring: AgentWiring,
) -> HostedRun:
    """The run as a host starts it: the provider's argv (batch or TUI) and the environment."""
    spec = LaunchSpec(
        agent_id=agent_id,
        job_id=request.job_id,
        binary=provider.binary,
        work_dir=request.work_dir,
        model=request.model,
        system_prompt="\n\n".join(
            part for part in (request.system_prompt, wiring.system_prompt) if part
        ),
        max_turns=request.max_turns,
        resume_session_id=request.resume_session_id,
        mcp_url=wiring.mcp_url,
        mcp_headers=dict(wiring.mcp_headers),
        hook_command=wiring.hook_command,
        openai_base_url=settings.openai_base_url,
    )
    mode = provider.interactive if request.interactive else None
    argv = mode.command(spec) if mode is not None else provider.command(spec)
    return HostedRun(
        agent_id=agent_id,
        job_id=request.job_id,
        provider=provider.name,
        argv=argv,
        env=_env(settings, agent_id, request) | dict(wiring.env),
        work_dir=request.work_dir,
        files=files,
        prompt=request.prompt,
        interactive=mode,
    )


def _env(settings: Settings, agent_id: str, request: LaunchRequest) -> dict[str, str]:
    # AUTH_TOKEN guards the API from everyone else; an agent reaches Podium with its own
    # per-agent token (PODIUM_AGENT_TOKEN), never the user's.
    env = {key: value for key, value in os.environ.items() if key != "AUTH_TOKEN"}
    env.update(
        {
            "ORCHESTRATOR_AGENT_ID": agent_id,
            "ORCHESTRATOR_API_URL": settings.base_url,
            "PODIUM_AGENT_ID": agent_id,
            "PODIUM_JOB_ID": request.job_id,
        }
    )
    # Claude Code refuses to skip permissions as root unless told it runs in a sandbox, and
    # only by exactly IS_SANDBOX=1: machines that export IS_SANDBOX=yes are refused.
    if os.geteuid() == 0:
        env["IS_SANDBOX"] = "1"
    env.update(request.extra_env)
    return env
