"""A Podium-managed CLAUDE_CONFIG_DIR per interactive job, with the first-run screens answered.

Claude Code's TUI stops on onboarding, the API-key question, the folder-trust dialog and the
bypass-permissions warning unless its config says they were answered. Podium writes those answers
into a directory of its own (`<data dir>/interactive/<job>/claude`) and points CLAUDE_CONFIG_DIR
at it, so the user's ~/.claude and ~/.claude.json are never written to.

Trade-off: Claude Code then looks for its login only in that directory. An API key in the
environment (ANTHROPIC_API_KEY) keeps working as is; a subscription login
(~/.claude/.credentials.json) is linked in, so it works too, but a token Claude refreshes from
inside the agent is written to the user's file through the link. Settings, memory and session
transcripts of interactive agents live in the managed directory (one per job, so Continue can
resume the job's session)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_json(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(value, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def prepare(config_dir: Path, work_dir: Path, env: Mapping[str, str]) -> Path:
    """Create or update config_dir so Claude Code starts straight into its prompt in work_dir."""
    config_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    state_path = config_dir / ".claude.json"
    state = _read_json(state_path)
    state["hasCompletedOnboarding"] = True
    state.setdefault("numStartups", 1)
    key = env.get("ANTHROPIC_API_KEY", "")
    if key:
        responses = state.setdefault("customApiKeyResponses", {"approved": [], "rejected": []})
        approved = responses.setdefault("approved", [])
        if key[-20:] not in approved:
            approved.append(key[-20:])
        responses.setdefault("rejected", [])
    projects = state.setdefault("projects", {})
    for folder in {str(work_dir), str(work_dir.resolve())}:
        project = projects.setdefault(folder, {})
        project["hasTrustDialogAccepted"] = True
        project["hasCompletedProjectOnboarding"] = True
    _write_json(state_path, state)
    settings_path = config_dir / "settings.json"
    settings = _read_json(settings_path)
    settings["skipDangerousModePermissionPrompt"] = True
    _write_json(settings_path, settings)
    home = env.get("HOME")
    if home:
        credentials = Path(home) / ".claude" / ".credentials.json"
        link = config_dir / ".credentials.json"
        if credentials.is_file() and not link.exists():
            with contextlib.suppress(OSError):
                link.symlink_to(credentials)
    return config_dir
