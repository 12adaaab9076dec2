"""The PreToolUse lock hook Claude Code runs before Edit/Write/MultiEdit/NotebookEdit.

Stdlib only, so it starts fast. It asks Podium whether this agent holds (or may take) the lock
on the target file: exit 0 lets the edit through, exit 2 blocks it and stderr tells the model
why. When Podium cannot be reached the edit is BLOCKED (fail closed): a user who relies on locks
expects no unguarded writes. Set PODIUM_LOCK_FAIL_OPEN=1 to let edits through instead."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request

BLOCK = 2


def target_paths(event: dict[str, object]) -> list[str]:
    tool_input = event.get("tool_input")
    if not isinstance(tool_input, dict):
        return []
    cwd = str(event.get("cwd") or os.getcwd())
    paths = []
    for key in ("file_path", "notebook_path", "path"):
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            paths.append(value if os.path.isabs(value) else os.path.join(cwd, value))
    return paths


def ask(url: str, token: str, tool: str, path: str) -> tuple[bool, str]:
    body = json.dumps({"tool": tool, "file": path}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        answer = json.loads(response.read() or b"{}")
    return bool(answer.get("allowed")), str(answer.get("message") or "")


def main() -> int:
    url = os.environ.get("PODIUM_HOOK_URL")
    token = os.environ.get("PODIUM_AGENT_TOKEN", "")
    if not url:
        return 0  # not a Podium agent
    try:
        event = json.load(sys.stdin)
    except ValueError:
        print("Podium lock hook: unreadable tool call; edit blocked.", file=sys.stderr)
        return BLOCK
    tool = str(event.get("tool_name") or "")
    for path in target_paths(event):
        try:
            allowed, message = ask(url, token, tool, path)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            if os.environ.get("PODIUM_LOCK_FAIL_OPEN") == "1":
                return 0
            print(
                f"Podium lock server unreachable ({exc}); the edit of {path} is blocked so it "
                "cannot overwrite another agent's work. Try again in a moment.",
                file=sys.stderr,
            )
            return BLOCK
        if not allowed:
            print(message or f"{path} is locked by another agent.", file=sys.stderr)
            return BLOCK
    return 0


if __name__ == "__main__":
    sys.exit(main())
