"""Tells Podium what an interactive agent is doing. Stdlib only: it runs on every hook call.

Claude Code runs it from the hooks Podium passes with `--settings`, as
`python -m podium.agents.interactive.state_hook <Event>` with the hook's JSON on stdin
(`session_id`, `transcript_path`, ...). Codex runs it as its `notify` program, with one JSON
argument (`{"type": "agent-turn-complete", "thread-id", "last-assistant-message", ...}`),
which counts as `Stop`.

It never blocks the agent: any failure is ignored and the exit status is always 0."""

from __future__ import annotations

import json
import os
import select
import sys
import urllib.request


def _stdin_json() -> dict[str, object]:
    try:
        if sys.stdin is None or sys.stdin.isatty():
            return {}
        ready, _, _ = select.select([sys.stdin], [], [], 0.5)
        if not ready:
            return {}
        value = json.loads(sys.stdin.read() or "{}")
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def payload(argv: list[str]) -> dict[str, object]:
    arg = argv[1] if len(argv) > 1 else ""
    if arg.startswith("{"):  # codex notify
        try:
            note = json.loads(arg)
        except ValueError:
            note = {}
        if not isinstance(note, dict):
            note = {}
        kind = str(note.get("type") or "")
        event = "Stop" if kind == "agent-turn-complete" else kind
        # The turn's answer: the job's result if the TUI is left with /exit after it.
        last = note.get("last-assistant-message")
        return {"event": event, "sessionId": note.get("thread-id"), "lastMessage": last}
    data = _stdin_json()
    return {
        "event": arg or str(data.get("hook_event_name") or ""),
        "sessionId": data.get("session_id"),
        "transcriptPath": data.get("transcript_path"),
        "notificationType": data.get("notification_type"),
        "message": data.get("message"),
        "lastMessage": data.get("last_assistant_message"),
    }


def main(argv: list[str]) -> int:
    url = os.environ.get("PODIUM_STATE_URL")
    if not url:
        return 0
    body = json.dumps(payload(argv)).encode()
    token = os.environ.get("PODIUM_AGENT_TOKEN", "")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
    except Exception:  # a hook must never get in the agent's way
        pass
    return 0


def command(event: str) -> str:
    """The hook command line for one Claude Code hook event."""
    return f"{sys.executable} -m podium.agents.interactive.state_hook {event}"


def notify_argv() -> list[str]:
    """Codex's `notify` program: codex appends the event's JSON as the last argument."""
    return [sys.executable, "-m", "podium.agents.interactive.state_hook"]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
