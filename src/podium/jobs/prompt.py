"""What an agent is told: the user's prompt (template, task, context) and Podium's system prompt."""

from __future__ import annotations

import json
from typing import Any


def user_prompt(description: str, *, guidelines: str | None, context: dict[str, Any]) -> str:
    parts: list[str] = []
    if guidelines:
        parts.append(f"## Guidelines\n\n{guidelines.strip()}")
    parts.append(description.strip())
    if context:
        lines = [
            f"- {key}: {value if isinstance(value, str) else json.dumps(value)}"
            for key, value in context.items()
        ]
        parts.append("## Context\n\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def system_prompt(*, agent_hint: str, job_id: str, tools_section: str | None) -> str:
    lines = [
        "You are an agent run by Podium, which runs many coding agents in parallel on the same "
        "machine, often in the same repository.",
        f"Your job id is {job_id}. {agent_hint}".strip(),
        "Work autonomously: nobody watches this terminal. End with a short summary of what you "
        "did; it becomes the job's result.",
    ]
    if tools_section:
        lines.append(tools_section)
    return "\n".join(lines)
