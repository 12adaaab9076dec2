"""The providers Podium registers: adding a CLI is one line here (see the package docstring)."""

from __future__ import annotations

from podium.agents.providers.base import Provider
from podium.agents.providers.claude import ClaudeProvider
from podium.agents.providers.codex import CodexProvider
from podium.config import Settings


def builtin(settings: Settings) -> list[Provider]:
    """The providers Podium runs, the catch-all first."""
    return [
        ClaudeProvider(binary=settings.claude_bin),
        CodexProvider(binary=settings.codex_bin, default_model=settings.codex_default_model),
    ]
