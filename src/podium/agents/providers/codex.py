"""Codex CLI in batch mode: `codex exec --json`, one JSON event per stdout line.

What `codex exec --json` (checked with codex-cli 0.169) prints, and how it maps:

* ``thread.started`` (``thread_id``): the session id, for ``codex exec resume <id>``.
* ``item.started`` / ``item.completed`` with an ``item`` of type ``agent_message``, ``reasoning``,
  ``command_execution``, ``mcp_tool_call``, ``file_change``, ``web_search``, ``todo_list`` or
  ``error``. Commands and MCP calls get an ``item.started`` (-> ``tool_use``, so a long call is
  visible while it runs) and an ``item.completed`` (-> ``tool_result``); everything else only
  counts once completed. ``error`` *items* are warnings (e.g. "model metadata not found") and the
  turn goes on, so they become ``system`` events: an ``error`` event would fail the
  ``no_error_in_output`` completion check of every run.
* ``turn.completed`` (``usage``): codex's running token total for the whole thread, restored on
  resume, so a resumed run reports earlier runs' tokens too. One per `codex exec` run, at its
  end. It is marked ``usage_is_total``: the stream turns it into the agent's own share (see
  `podium.agents.stream.AgentStream`).
* ``error`` / ``turn.failed``: the turn failed (e.g. a 400 from the API, retries exhausted).

Turns: codex prints no line per model request, so ``num_turns`` counts them from what it does
print: each tool call it starts (a command, an MCP call, a patch, a web search) took one request,
and ``turn.completed`` adds the request that gave the final answer. Parallel tool calls of one
response count once each, so the figure errs high, never low (it is the one a turn cap checks).

Codex has no final ``result`` line. The provider is stateless, so every ``agent_message`` is
reported as the run's result; the stream keeps the last one, which is the final answer, and a
later ``turn.failed`` replaces it with an error.
"""

from __future__ import annotations

import json
from typing import Any

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
from podium.agents.providers.events import tool_result as _tool_result
from podium.agents.providers.events import tool_use as _tool_use
from podium.agents.providers.events import usage_from

PROVIDER_ID = "podium"  # the `model_providers.<id>` entry that points codex at OPENAI_BASE_URL
MCP_SERVER = "podium"
# The environment variable holding the agent's MCP credential (podium.agents.wiring.TOKEN_ENV; not
# imported, so providers do not depend on how a run is wired).
MCP_TOKEN_ENV = "PODIUM_AGENT_TOKEN"
# Podium's MCP tools may block (waiting for other agents); codex's default is 60 seconds.
MCP_TOOL_TIMEOUT_SEC = 3600
_PREFIXES = ("codex", "gpt-", "o3", "o4")
# Codex reports finished turns (`notify`) but has no SessionStart hook: type the prompt soon.
_PROMPT_FALLBACK_SEC = 4.0
KNOWN_MODELS = (
    ModelChoice("codex", "Codex (default model)"),
    ModelChoice("codex-gpt-5.5", "Codex GPT-5.5"),
    ModelChoice("codex-gpt-5.3-codex", "Codex GPT-5.3 Codex"),
)


def codex_model(model: str | None, default: str | None = None) -> str | None:
    """The `-m` value for a Podium model id, None for "the CLI's default".

    ``codex`` is `default` (PODIUM_CODEX_DEFAULT_MODEL; None leaves the CLI's own default, which
    codex-cli 0.169 sends no tools through a custom provider), ``codex-<id>`` is model ``<id>``,
    anything else (``gpt-5``, ``o3``) is an OpenAI id already. ``codex-mini*`` is itself an
    OpenAI model id."""
    if not model:
        return None
    lowered = model.lower()
    if lowered == "codex":
        return default
    if lowered.startswith("codex-") and not lowered.startswith("codex-mini"):
        return model[len("codex-") :] or None
    return model


def _toml_str(value: str) -> str:
    """A TOML basic string; codex parses `-c key=value` values as TOML (and falls back to the raw
    text, quotes included, when that fails, so every control character must be escaped)."""
    out = ['"']
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _config(key: str, toml_value: str) -> list[str]:
    return ["-c", f"{key}={toml_value}"]


def _usage(raw: dict[str, Any] | None) -> Usage | None:
    """OpenAI counts cached (and cache-write) tokens inside input_tokens and reasoning tokens
    inside output_tokens; Usage keeps those conventions (priced with input_includes_cache)."""
    return usage_from(raw, cache_read="cached_input_tokens", cache_write="cache_write_input_tokens")


def _error_message(raw: Any) -> str:
    """Codex passes an API error body through as its message: pull out the readable part."""
    message = str(raw or "")
    try:
        body = json.loads(message)
    except ValueError:
        return message
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return message


def _mcp_result_text(result: Any) -> str:
    if not isinstance(result, dict):
        return "" if result is None else json.dumps(result)
    parts = [
        str(block.get("text", ""))
        for block in result.get("content") or []
        if isinstance(block, dict) and block.get("type") == "text"
    ]
    text = "\n".join(part for part in parts if part)
    if not text and result.get("structured_content") is not None:
        text = json.dumps(result["structured_content"])
    return text


class CodexProvider:
    name = "codex"
    label = "Codex"
    binary_setting = "CODEX_BIN"
    catch_all = False
    enforces_turn_cap = False  # no turn-limit flag: the runner counts turns and stops it
    # apply_patch edits do not go through a hook Podium can hold, so locks are audited after.
    needs_lock_audit = True
    known_models = KNOWN_MODELS

    def __init__(self, binary: str = "codex", default_model: str | None = None) -> None:
        self.binary = binary
        self.default_model = default_model
        self.interactive = InteractiveMode(
            command=self.interactive_command,
            tui=TuiTraits(
                prompt_fallback_sec=_PROMPT_FALLBACK_SEC,
                reports_prompt_submit=False,
            ),
        )

    def handles(self, model: str | None) -> bool:
        return model is not None and model.lower().startswith(_PREFIXES)

    def command(self, spec: LaunchSpec) -> list[str]:
        """`codex exec` reading the prompt from stdin (`-`), or `codex exec resume <id> -`.

        Codex has no turn-limit flag, so `spec.max_turns` is not passed: Podium enforces turn
        caps itself. The system prompt goes in as `developer_instructions`, which codex sends as
        an extra developer message after its own instructions (it does not replace them)."""
        argv = [
            spec.binary,
            "exec",
            "--json",
            "--skip-git-repo-check",
            "--dangerously-bypass-approvals-and-sandbox",
            "-C",
            str(spec.work_dir),
        ]
        model = codex_model(spec.model, self.default_model)
        if model:
            argv += ["-m", model]
        if spec.openai_base_url:
            prefix = f"model_providers.{PROVIDER_ID}"
            argv += _config("model_provider", _toml_str(PROVIDER_ID))
            argv += _config(f"{prefix}.name", _toml_str(PROVIDER_ID))
            argv += _config(f"{prefix}.base_url", _toml_str(spec.openai_base_url))
            argv += _config(f"{prefix}.env_key", _toml_str("OPENAI_API_KEY"))
            argv += _config(f"{prefix}.wire_api", _toml_str("responses"))
            argv += _config(f"{prefix}.supports_websockets", "false")
        if spec.mcp_url:
            prefix = f"mcp_servers.{MCP_SERVER}"
            argv += _config(f"{prefix}.url", _toml_str(spec.mcp_url))
            # Codex sends `Authorization: Bearer $<var>` itself, read from its environment, so
            # the token stays off the command line. `spec.mcp_headers` is not used: it holds a
            # `${VAR}` template that only Claude Code expands.
            argv += _config(f"{prefix}.bearer_token_env_var", _toml_str(MCP_TOKEN_ENV))
            argv += _config(f"{prefix}.tool_timeout_sec", str(MCP_TOOL_TIMEOUT_SEC))
        if spec.system_prompt:
            argv += _config("developer_instructions", _toml_str(spec.system_prompt))
        if spec.resume_session_id:
            argv += ["resume", spec.resume_session_id]
        argv.append("-")  # the prompt comes from stdin
        return argv

    def interactive_command(self, spec: LaunchSpec) -> list[str]:
        """The TUI's argv (interactive mode, run in tmux); the prompt is typed in.

        The work dir is trusted through `-c projects=...` (no "Trust this folder?" screen, the
        user's config untouched); codex's `notify` program reports each finished turn to Podium
        (podium.agents.interactive.state_hook), which marks the agent idle."""
        from podium.agents.interactive.state_hook import notify_argv

        batch = self.command(spec)
        options = batch[batch.index("--skip-git-repo-check") + 1 : batch.index("-")]
        if "resume" in options:
            options = options[: options.index("resume")]
        argv = [spec.binary]
        if spec.resume_session_id:
            argv += ["resume", spec.resume_session_id]
        argv += options
        trusted = f"{{{_toml_str(str(spec.work_dir))}={{trust_level={_toml_str('trusted')}}}}}"
        argv += _config("projects", trusted)
        argv += _config("notify", "[" + ", ".join(_toml_str(a) for a in notify_argv()) + "]")
        # Podium types text with `tmux send-keys`: a burst of keys that codex's paste detection
        # would take for a paste, turning the Enter that follows into a newline in the composer
        # (typed input and Continue were never submitted). Real pastes from the dashboard
        # arrive bracketed and are unaffected.
        argv += _config("disable_paste_burst", "true")
        return argv

    def parse_line(self, line: dict[str, Any]) -> ParsedLine:
        kind = line.get("type")
        if kind == "thread.started":
            thread_id = line.get("thread_id")
            data = {"sessionId": thread_id}
            return ParsedLine(events=[AgentEvent("init", "", data)], session_id=thread_id)
        if kind in ("item.started", "item.updated", "item.completed"):
            item = line.get("item")
            if isinstance(item, dict):
                return self._item(str(kind), item)
        if kind == "turn.started":
            return ParsedLine()
        if kind == "turn.completed":
            return self._turn_completed(line)
        if kind == "turn.failed":
            error = line.get("error") or {}
            raw = error.get("message") if isinstance(error, dict) else error
            return self._failed(_error_message(raw), "error_turn_failed")
        if kind == "error":
            message = _error_message(line.get("message"))
            parsed = self._failed(message, "error")
            parsed.events = [AgentEvent("error", message, {"message": message})]
            return parsed
        return ParsedLine(events=[AgentEvent("raw", "", {"line": line})])

    def price(self, model: str | None, usage: Usage) -> float | None:
        return price_usage(
            codex_model(model, self.default_model),
            usage,
            provider_id="openai",
            input_includes_cache=True,
        )

    def _item(self, kind: str, item: dict[str, Any]) -> ParsedLine:
        item_type = item.get("type")
        item_id = item.get("id")
        started = kind == "item.started"
        completed = kind == "item.completed"
        if item_type == "command_execution":
            if started:
                return ParsedLine(
                    events=[_tool_use(item_id, "exec_command", {"cmd": item.get("command")})],
                    model_turns=1,
                )
            if completed:
                exit_code = item.get("exit_code")
                is_error = item.get("status") == "failed" or (exit_code not in (None, 0))
                output = str(item.get("aggregated_output") or "")
                return ParsedLine(
                    events=[_tool_result(item_id, output, is_error, exitCode=exit_code)]
                )
            return ParsedLine()
        if item_type == "mcp_tool_call":
            name = f"{item.get('server')}.{item.get('tool')}"
            if started:
                return ParsedLine(
                    events=[_tool_use(item_id, name, item.get("arguments") or {})],
                    model_turns=1,
                )
            if completed:
                error = item.get("error")
                if isinstance(error, dict) and error.get("message"):
                    text = str(error["message"])
                else:
                    text = _mcp_result_text(item.get("result"))
                is_error = bool(error) or item.get("status") == "failed"
                return ParsedLine(events=[_tool_result(item_id, text, is_error)])
            return ParsedLine()
        if item_type == "todo_list":
            todos = [t for t in item.get("items") or [] if isinstance(t, dict)]
            text = "\n".join(
                f"[{'x' if t.get('completed') else ' '}] {t.get('text', '')}" for t in todos
            )
            return ParsedLine(events=[AgentEvent("system", text, {"subtype": "todo_list", **item})])
        if not completed:
            return ParsedLine()  # the other items are complete only in item.completed
        if item_type == "agent_message":
            text = str(item.get("text") or "")
            return ParsedLine(
                events=[AgentEvent("text", text, {"text": text})],
                # The last one is the final answer; see the module docstring.
                result=RunResult(text=text, is_error=False, subtype="success"),
            )
        if item_type == "reasoning":
            text = str(item.get("text") or "")
            return ParsedLine(events=[AgentEvent("thinking", text, {"text": text})])
        if item_type == "file_change":
            changes = [c for c in item.get("changes") or [] if isinstance(c, dict)]
            summary = "\n".join(f"{c.get('kind', '')} {c.get('path', '')}" for c in changes)
            failed = item.get("status") == "failed"
            return ParsedLine(
                events=[
                    _tool_use(item_id, "apply_patch", {"changes": changes}),
                    _tool_result(item_id, summary, failed),
                ],
                model_turns=1,
            )
        if item_type == "web_search":
            return ParsedLine(
                events=[_tool_use(item_id, "web_search", {"query": item.get("query")})],
                model_turns=1,
            )
        if item_type == "error":
            message = str(item.get("message") or "")
            return ParsedLine(
                events=[AgentEvent("system", message, {"subtype": "warning", "message": message})]
            )
        return ParsedLine(events=[AgentEvent("system", "", {"subtype": str(item_type), **item})])

    def _turn_completed(self, line: dict[str, Any]) -> ParsedLine:
        raw = line.get("usage") if isinstance(line.get("usage"), dict) else None
        usage = _usage(raw)
        key = None
        if raw is not None:
            # The thread's running total, so it differs between turns of one thread.
            key = "codex-turn:" + ":".join(str(raw.get(k, 0)) for k in sorted(raw))
        data = {"subtype": "turn_completed", "usage": raw}
        return ParsedLine(
            events=[AgentEvent("system", "", data)],
            usage=usage,
            usage_key=key,
            turn_completed=usage is not None,  # the request that gave the final answer
            usage_is_total=True,
        )

    @staticmethod
    def _failed(message: str, subtype: str) -> ParsedLine:
        data = {"subtype": subtype, "isError": True, "result": message}
        return ParsedLine(
            events=[AgentEvent("result", message, data)],
            result=RunResult(text=message, is_error=True, subtype=subtype),
        )
