"""Claude Code in batch mode: `claude --print --output-format stream-json --verbose`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from podium.agents.interactive.traits import TuiTraits
from podium.agents.pricing import price_usage
from podium.agents.providers.base import (
    AgentEvent,
    InteractiveMode,
    LaunchSpec,
    ModelChoice,
    ParsedLine,
    RunResult,
    Usage,
)
from podium.agents.providers.events import tool_result, tool_use, usage_from

LOCKED_TOOLS = "Edit|Write|MultiEdit|NotebookEdit"
# Without a SessionStart hook (one that failed), the prompt is typed after this long anyway.
_PROMPT_FALLBACK_SEC = 20.0
KNOWN_MODELS = (
    ModelChoice("claude-opus-4-7", "Claude Opus 4.7"),
    ModelChoice("claude-opus-4-7[1m]", "Claude Opus 4.7 (1M context)"),
    ModelChoice("claude-sonnet-4-5", "Claude Sonnet 4.5"),
    ModelChoice("claude-haiku-4-5", "Claude Haiku 4.5"),
    ModelChoice("opus", "Opus (latest)"),
    ModelChoice("sonnet", "Sonnet (latest)"),
    ModelChoice("haiku", "Haiku (latest)"),
)


def _usage(raw: dict[str, Any] | None) -> Usage | None:
    return usage_from(
        raw, cache_read="cache_read_input_tokens", cache_write="cache_creation_input_tokens"
    )


def _result_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [str(block.get("text", "")) for block in content if isinstance(block, dict)]
        return "\n".join(part for part in parts if part)
    return "" if content is None else orjson.dumps(content).decode()


def _session_args(spec: LaunchSpec) -> list[str]:
    """Model, resumed session and Podium's MCP server: the same in batch and interactive mode."""
    argv: list[str] = []
    if spec.model:
        argv += ["--model", spec.model]
    if spec.resume_session_id:
        argv += ["--resume", spec.resume_session_id]
    if spec.mcp_url:
        server = {"type": "http", "url": spec.mcp_url, "headers": spec.mcp_headers}
        argv += ["--mcp-config", json.dumps({"mcpServers": {"podium": server}})]
    return argv


def _prepare_config(config_dir: Path, work_dir: Path, env: dict[str, str]) -> None:
    """The TUI gets a CLAUDE_CONFIG_DIR of its own, so the user's ~/.claude is never written."""
    from podium.agents.interactive import claude_config

    claude_config.prepare(config_dir, work_dir, env)
    env["CLAUDE_CONFIG_DIR"] = str(config_dir)


class ClaudeProvider:
    name = "claude"
    label = "Claude Code"
    binary_setting = "CLAUDE_BIN"
    catch_all = True  # the CLI's own default model, and every id nobody else claims
    enforces_turn_cap = True  # --max-turns
    needs_lock_audit = False  # every edit tool goes through the PreToolUse lock hook
    known_models = KNOWN_MODELS

    def __init__(self, binary: str = "claude") -> None:
        self.binary = binary
        self.interactive = InteractiveMode(
            command=self.interactive_command,
            tui=TuiTraits(
                prompt_fallback_sec=_PROMPT_FALLBACK_SEC,
                reports_prompt_submit=True,
                prepare_env=_prepare_config,
            ),
        )

    def handles(self, model: str | None) -> bool:
        return True

    def command(self, spec: LaunchSpec) -> list[str]:
        argv = [
            spec.binary,
            "--print",
            "--output-format",
            "stream-json",
            "--verbose",
            "--dangerously-skip-permissions",
            "--append-system-prompt",
            spec.system_prompt,
        ]
        if spec.max_turns is not None:
            argv += ["--max-turns", str(spec.max_turns)]
        argv += _session_args(spec)
        if spec.hook_command:
            hook = {"type": "command", "command": spec.hook_command}
            settings = {"hooks": {"PreToolUse": [{"matcher": LOCKED_TOOLS, "hooks": [hook]}]}}
            argv += ["--settings", json.dumps(settings)]
        return argv

    def interactive_command(self, spec: LaunchSpec) -> list[str]:
        """The TUI's argv (interactive mode, run in tmux): no --print; the prompt is typed in.
        Hooks report busy/idle to Podium (podium.agents.interactive.state_hook)."""
        from podium.agents.interactive.state_hook import command as state_command

        argv = [spec.binary, "--dangerously-skip-permissions"]
        if spec.system_prompt:
            argv += ["--append-system-prompt", spec.system_prompt]
        argv += _session_args(spec)
        hooks: dict[str, Any] = {
            event: [{"hooks": [{"type": "command", "command": state_command(event)}]}]
            for event in ("SessionStart", "UserPromptSubmit", "Stop", "Notification")
        }
        if spec.hook_command:
            hook = {"type": "command", "command": spec.hook_command}
            hooks["PreToolUse"] = [{"matcher": LOCKED_TOOLS, "hooks": [hook]}]
        argv += ["--settings", json.dumps({"hooks": hooks})]
        return argv

    def parse_line(self, line: dict[str, Any]) -> ParsedLine:
        kind = line.get("type")
        if kind == "system":
            return self._system(line)
        if kind == "assistant":
            return self._assistant(line)
        if kind == "user":
            return self._user(line)
        if kind == "result":
            return self._result(line)
        return ParsedLine(events=[AgentEvent("raw", "", {"line": line})])

    def price(self, model: str | None, usage: Usage) -> float | None:
        return price_usage(model, usage, provider_id="anthropic", input_includes_cache=False)

    def _system(self, line: dict[str, Any]) -> ParsedLine:
        subtype = str(line.get("subtype") or "")
        if subtype == "init":
            data = {
                "sessionId": line.get("session_id"),
                "model": line.get("model"),
                "cwd": line.get("cwd"),
                "tools": line.get("tools", []),
                "mcpServers": line.get("mcp_servers", []),
            }
            return ParsedLine(
                events=[AgentEvent("init", "", data)],
                session_id=line.get("session_id"),
                model=line.get("model"),
            )
        return ParsedLine(events=[AgentEvent("system", "", {"subtype": subtype, "line": line})])

    def _assistant(self, line: dict[str, Any]) -> ParsedLine:
        message = line.get("message") or {}
        parsed = ParsedLine(
            session_id=line.get("session_id"),
            model=message.get("model"),
            usage=_usage(message.get("usage")),
            usage_key=message.get("id"),
        )
        for block in message.get("content") or []:
            block_type = block.get("type")
            if block_type == "text":
                text = str(block.get("text", ""))
                parsed.events.append(AgentEvent("text", text, {"text": text}))
            elif block_type == "thinking":
                text = str(block.get("thinking", ""))
                parsed.events.append(AgentEvent("thinking", text, {"text": text}))
            elif block_type == "tool_use":
                tool_input = block.get("input") or {}
                name = str(block.get("name", ""))
                parsed.events.append(tool_use(block.get("id"), name, tool_input))
        parsed.turn_completed = parsed.usage_key is not None
        return parsed

    def _user(self, line: dict[str, Any]) -> ParsedLine:
        message = line.get("message") or {}
        parsed = ParsedLine(session_id=line.get("session_id"))
        content = message.get("content")
        if isinstance(content, str):
            parsed.events.append(AgentEvent("text", content, {"text": content, "role": "user"}))
            return parsed
        for block in content or []:
            if block.get("type") != "tool_result":
                continue
            text = _result_text(block.get("content"))
            is_error = bool(block.get("is_error"))
            parsed.events.append(tool_result(block.get("tool_use_id"), text, is_error))
        return parsed

    def _result(self, line: dict[str, Any]) -> ParsedLine:
        text = line.get("result")
        subtype = str(line.get("subtype") or "")
        is_error = bool(line.get("is_error")) or subtype.startswith("error")
        cost = line.get("total_cost_usd")
        turns = line.get("num_turns")
        result = RunResult(
            text=str(text) if text is not None else None,
            is_error=is_error,
            subtype=subtype,
            cost_usd=float(cost) if cost is not None else None,
            num_turns=int(turns) if turns is not None else None,
            usage=_usage(line.get("usage")),
        )
        data = {
            "subtype": subtype,
            "isError": is_error,
            "result": text,
            "costUsd": result.cost_usd,
            "numTurns": result.num_turns,
            "durationMs": line.get("duration_ms"),
        }
        return ParsedLine(
            events=[AgentEvent("result", str(text or ""), data)],
            session_id=line.get("session_id"),
            result=result,
        )
