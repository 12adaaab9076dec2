"""What the tmux sessions need to know about a provider's TUI, given by the provider
(`podium.agents.providers.base.InteractiveMode`) rather than looked up by its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class TuiTraits:
    # Type the prompt after this long when no SessionStart hook says the TUI is up.
    prompt_fallback_sec: float
    # A hook reports each submitted prompt (busy); without one Podium marks the agent busy
    # itself when it submits input, and cannot tell that an Enter was lost.
    reports_prompt_submit: bool
    # Called with (config dir of its own, work dir, environment) to set up the TUI's config.
    prepare_env: Callable[[Path, Path, dict[str, str]], None] | None = None
