"""The PreToolUse lock hook Claude Code runs before Edit/Write/MultiEdit/NotebookEdit.

Stdlib only, so it starts fast. It asks Podium whether this agent holds (or may take) the lock
on the target file: exit 0 lets the edit through, exit 2 blocks it and stderr tells the model
why. Claude Code blocks only on exit 2, so every way this can go wrong (server down, a reply cut
short, garbage, a timeout, a bug here) ends in exit 2 with a message: the edit is BLOCKED (fail
closed), as a user who relies on locks expects no unguarded writes. Set PODIUM_LOCK_FAIL_OPEN=1
to let edits through when no answer can be had (a refusal from Podium still blocks)."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from typing import Any

ALLOW = 0
BLOCK = 2
TIMEOUT_SEC = 15


class NoAnswer(Exception):
    """Podium gave no usable answer; the message says what went wrong."""


def target_paths(event: dict[str, Any]) -> list[str]:
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


def ask(
    url: str, token: str, tool: str, path: str, timeout: float = TIMEOUT_SEC
) -> tuple[bool, str]:
    """Podium's decision for one file. Anything but a complete JSON object with a boolean
    `allowed` raises NoAnswer: a half reply or `null` must not read as a yes."""
    body = json.dumps({"tool": tool, "file": path}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except Exception as exc:  # refused, reset, timeout, HTTP error status, cut-short body
        raise NoAnswer(f"no answer from {url}: {exc!r}") from exc
    try:
        answer = json.loads(raw)
    except ValueError as exc:
        raise NoAnswer(f"unreadable answer from {url}: {raw[:200]!r}") from exc
    if not isinstance(answer, dict) or not isinstance(answer.get("allowed"), bool):
        raise NoAnswer(f"unexpected answer from {url}: {raw[:200]!r}")
    return answer["allowed"], str(answer.get("message") or "")


def decide(stdin: str, env: dict[str, str]) -> tuple[int, str]:
    """Exit code and stderr message for one tool call (given as Claude Code's JSON)."""
    url = env.get("PODIUM_HOOK_URL")
    if not url:
        raise NoAnswer("PODIUM_HOOK_URL is not set, so there is nobody to ask")
    try:
        event = json.loads(stdin)
    except ValueError as exc:
        raise NoAnswer(f"unreadable tool call on stdin: {stdin[:200]!r}") from exc
    if not isinstance(event, dict):
        raise NoAnswer(f"unreadable tool call on stdin: {stdin[:200]!r}")
    tool = str(event.get("tool_name") or "")
    for path in target_paths(event):
        allowed, message = ask(url, env.get("PODIUM_AGENT_TOKEN", ""), tool, path)
        if not allowed:
            return BLOCK, message or f"{path} is locked by another agent."
    return ALLOW, ""


def main() -> int:
    env = dict(os.environ)
    try:
        code, message = decide(sys.stdin.read(), env)
    except Exception as exc:  # whatever failed, the edit must not slip through
        if env.get("PODIUM_LOCK_FAIL_OPEN") == "1":
            return ALLOW
        reason = str(exc) if isinstance(exc, NoAnswer) else f"the hook failed: {exc!r}"
        message = (
            f"Podium lock hook: {reason}. The edit is blocked so it cannot overwrite another "
            "agent's work; try again in a moment."
        )
        code = BLOCK
    if message:
        print(message, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
