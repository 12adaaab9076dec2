"""CodexProvider: the argv it builds and what it makes of real `codex exec --json` output.

The fixture is a real codex-cli 0.169 transcript recorded against tests/fakes/openai_server.py
(reasoning + message + shell command, then a final message); the inline lines below were also
copied (some trimmed) from real runs: MCP calls against a real MCP server, an API error,
a resumed thread.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from podium.agents.providers.base import LaunchSpec, ParsedLine, RunResult, Usage
from podium.agents.providers.codex import CodexProvider, codex_model

FIXTURE = Path(__file__).parent / "fixtures" / "codex_stream.ndjson"
PROVIDER = CodexProvider()


def _lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]


def _parse_all(lines: list[dict[str, Any]]) -> list[ParsedLine]:
    return [PROVIDER.parse_line(line) for line in lines]


def _final(parsed: list[ParsedLine]) -> tuple[RunResult | None, Usage, int]:
    """What AgentStream would end with: the last result, usage summed once per key, turns."""
    result, usage, turns, seen = None, Usage(), 0, set()
    for p in parsed:
        if p.usage is not None and p.usage_key not in seen:
            seen.add(p.usage_key)
            usage.add(p.usage)
            turns += p.turn_completed
        if p.result is not None:
            result = p.result
    return result, usage, turns


def _spec(**overrides: Any) -> LaunchSpec:
    base: dict[str, Any] = {
        "agent_id": "ag_1",
        "job_id": "job_1",
        "binary": "/usr/bin/codex",
        "work_dir": Path("/work/repo"),
        "model": "codex-gpt-5.3-codex",
        "system_prompt": "Be brief.",
        "max_turns": 7,
    }
    return LaunchSpec(**(base | overrides))


def _configs(argv: list[str]) -> dict[str, str]:
    """The `-c key=value` pairs of an argv."""
    pairs = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-c"]
    return dict(pair.split("=", 1) for pair in pairs)


# ---------------------------------------------------------------- parse_line over the fixture


def test_fixture_events_in_order() -> None:
    parsed = _parse_all(_lines())
    events = [e for p in parsed for e in p.events]
    assert [e.kind for e in events] == [
        "init",
        "system",  # the "model metadata not found" warning item
        "thinking",
        "text",
        "tool_use",
        "tool_result",
        "text",
        "system",  # turn.completed
    ]
    init, warning, thinking, first, use, result, final, done = events
    assert init.data == {"sessionId": "01a211fc-bc0a-7a62-9989-59ada986adf7"}
    assert warning.data["subtype"] == "warning" and "metadata" in warning.text
    assert thinking.text == "The user wants a greeting checked in the shell."
    assert first.text == "I'll check the environment first."
    assert use.data == {
        "id": "item_3",
        "name": "exec_command",
        "input": {"cmd": "/bin/bash -lc 'echo hello-from-codex'"},
    }
    assert use.text.startswith("exec_command {")
    assert result.data == {
        "toolUseId": "item_3",
        "content": "hello-from-codex\n",
        "isError": False,
        "exitCode": 0,
    }
    assert final.text == "The shell said: hello-from-codex. All done."
    assert done.data["subtype"] == "turn_completed"


def test_fixture_session_result_and_usage() -> None:
    parsed = _parse_all(_lines())
    assert [p.session_id for p in parsed if p.session_id] == [
        "01a211fc-bc0a-7a62-9989-59ada986adf7"
    ]
    result, usage, turns = _final(parsed)
    assert result == RunResult(
        text="The shell said: hello-from-codex. All done.", is_error=False, subtype="success"
    )
    # The scripted 2100+2300 input (1800+2100 cached) and 40+25 output (12 of it reasoning).
    assert usage == Usage(input_tokens=4400, output_tokens=65, cache_read_tokens=3900)
    assert turns == 1
    completed = [p for p in parsed if p.usage is not None]
    assert len(completed) == 1 and completed[0].turn_completed and completed[0].usage_key
    assert PROVIDER.price("codex-gpt-5.3-codex", usage) == pytest.approx(
        PROVIDER.price("gpt-5.3-codex", usage)
    )


def test_item_started_only_for_calls() -> None:
    """No duplicates: a command is a tool_use when it starts and a tool_result when it ends."""
    for line in _lines():
        parsed = PROVIDER.parse_line(line)
        if line["type"] == "item.started":
            assert [e.kind for e in parsed.events] == ["tool_use"]
        if line["type"] == "item.completed" and line["item"]["type"] == "command_execution":
            assert [e.kind for e in parsed.events] == ["tool_result"]


# ---------------------------------------------------------------- other real lines

MCP_STARTED = {
    "type": "item.started",
    "item": {
        "id": "item_1",
        "type": "mcp_tool_call",
        "server": "podium",
        "tool": "write_note",
        "arguments": {"text": "hello Do it"},
        "result": None,
        "error": None,
        "status": "in_progress",
    },
}
MCP_DONE = {
    "type": "item.completed",
    "item": {
        **MCP_STARTED["item"],
        "result": {
            "content": [{"type": "text", "text": "noted: hello Do it"}],
            "structured_content": {"result": "noted: hello Do it"},
        },
        "status": "completed",
    },
}
MCP_FAILED = {
    "type": "item.completed",
    "item": {
        "id": "item_2",
        "type": "mcp_tool_call",
        "server": "podium",
        "tool": "fail_tool",
        "arguments": {"x": "y"},
        "result": {
            "content": [{"type": "text", "text": "Error executing tool fail_tool"}],
            "structured_content": None,
        },
        "error": None,
        "status": "failed",
    },
}
MCP_TIMEOUT = {
    "type": "item.completed",
    "item": {
        "id": "item_1",
        "type": "mcp_tool_call",
        "server": "podium",
        "tool": "slow",
        "arguments": {"x": "y"},
        "result": None,
        "error": {"message": "tool call error: timed out awaiting tools/call after 1000ms"},
        "status": "failed",
    },
}
API_ERROR = '{"error": {"type": "invalid_request_error", "message": "nope", "param": null}}'


def test_mcp_tool_call() -> None:
    use = PROVIDER.parse_line(MCP_STARTED).events
    assert [e.kind for e in use] == ["tool_use"]
    assert use[0].data == {
        "id": "item_1",
        "name": "podium.write_note",
        "input": {"text": "hello Do it"},
    }
    done = PROVIDER.parse_line(MCP_DONE).events
    assert [(e.kind, e.text, e.data["isError"]) for e in done] == [
        ("tool_result", "noted: hello Do it", False)
    ]
    assert done[0].data["toolUseId"] == "item_1"
    failed = PROVIDER.parse_line(MCP_FAILED).events[0]
    assert (failed.text, failed.data["isError"]) == ("Error executing tool fail_tool", True)
    timeout = PROVIDER.parse_line(MCP_TIMEOUT).events[0]
    assert timeout.data["isError"] is True and "timed out" in timeout.text


def test_failed_command_is_an_error_result() -> None:
    line = {
        "type": "item.completed",
        "item": {
            "id": "item_4",
            "type": "command_execution",
            "command": "/bin/bash -lc false",
            "aggregated_output": "",
            "exit_code": 1,
            "status": "failed",
        },
    }
    event = PROVIDER.parse_line(line).events[0]
    assert (event.kind, event.data["isError"], event.data["exitCode"]) == ("tool_result", True, 1)


def test_api_error_then_turn_failed() -> None:
    """A failed turn ends the run with an error result that replaces any earlier message."""
    lines = [
        {"type": "thread.started", "thread_id": "t1"},
        {"type": "turn.started"},
        {"type": "item.completed", "item": {"id": "item_0", "type": "agent_message", "text": "hm"}},
        {"type": "error", "message": API_ERROR},
        {"type": "turn.failed", "error": {"message": API_ERROR}},
    ]
    parsed = _parse_all(lines)
    error = parsed[3].events
    assert [(e.kind, e.text) for e in error] == [("error", "nope")]
    assert parsed[4].events[0].kind == "result" and parsed[4].events[0].data["isError"] is True
    result, usage, turns = _final(parsed)
    assert result == RunResult(text="nope", is_error=True, subtype="error_turn_failed")
    assert (usage, turns) == (Usage(), 0)
    missing_key = {
        "type": "turn.failed",
        "error": {"message": "Missing environment variable: `X`."},
    }
    assert PROVIDER.parse_line(missing_key).result == RunResult(
        text="Missing environment variable: `X`.", is_error=True, subtype="error_turn_failed"
    )


def test_resumed_thread_reports_running_total() -> None:
    """Codex's turn.completed usage is the thread's total: a resumed run includes earlier runs."""
    first = {"type": "turn.completed", "usage": {"input_tokens": 100, "output_tokens": 10}}
    second = {"type": "turn.completed", "usage": {"input_tokens": 300, "output_tokens": 30}}
    a, b = PROVIDER.parse_line(first), PROVIDER.parse_line(second)
    assert a.usage == Usage(input_tokens=100, output_tokens=10)
    assert b.usage == Usage(input_tokens=300, output_tokens=30)
    assert a.usage_key != b.usage_key


def test_unknown_and_other_items() -> None:
    assert PROVIDER.parse_line({"type": "turn.started"}).events == []
    raw = PROVIDER.parse_line({"type": "something.new", "x": 1}).events
    assert [e.kind for e in raw] == ["raw"]
    started_message = {"type": "item.started", "item": {"id": "i", "type": "agent_message"}}
    assert PROVIDER.parse_line(started_message).events == []
    change = {
        "type": "item.completed",
        "item": {
            "id": "item_5",
            "type": "file_change",
            "changes": [{"path": "/w/a.txt", "kind": "add"}],
            "status": "completed",
        },
    }
    kinds = [(e.kind, e.data.get("name")) for e in PROVIDER.parse_line(change).events]
    assert kinds == [("tool_use", "apply_patch"), ("tool_result", None)]
    todo = {
        "type": "item.updated",
        "item": {"id": "t", "type": "todo_list", "items": [{"text": "a", "completed": True}]},
    }
    assert PROVIDER.parse_line(todo).events[0].text == "[x] a"


# ---------------------------------------------------------------- command, model, price


def test_command_new_session() -> None:
    argv = PROVIDER.command(_spec())
    assert argv[:7] == [
        "/usr/bin/codex",
        "exec",
        "--json",
        "--skip-git-repo-check",
        "--dangerously-bypass-approvals-and-sandbox",
        "-C",
        "/work/repo",
    ]
    assert argv[argv.index("-m") + 1] == "gpt-5.3-codex"
    assert argv[-1] == "-"  # the prompt is read from stdin
    assert "resume" not in argv
    assert "7" not in argv  # codex has no turn-limit flag
    assert _configs(argv) == {"developer_instructions": '"Be brief."'}


def test_command_provider_mcp_and_resume() -> None:
    spec = _spec(
        model="codex",
        openai_base_url="http://127.0.0.1:9999/v1",
        mcp_url="http://127.0.0.1:8000/mcp",
        mcp_headers={"Authorization": "Bearer ${PODIUM_AGENT_TOKEN}"},  # Claude's; ignored
        resume_session_id="01a211f7-ccc8-7192-9a76-14c252033709",
        system_prompt='Line one\nline "two" \\ \u00e9',
    )
    argv = PROVIDER.command(spec)
    assert "-m" not in argv  # plain `codex`: the CLI's default model
    assert argv[-3:] == ["resume", "01a211f7-ccc8-7192-9a76-14c252033709", "-"]
    assert argv.index("-C") < argv.index("resume")  # exec's flags go before the subcommand
    assert _configs(argv) == {
        "model_provider": '"podium"',
        "model_providers.podium.name": '"podium"',
        "model_providers.podium.base_url": '"http://127.0.0.1:9999/v1"',
        "model_providers.podium.env_key": '"OPENAI_API_KEY"',
        "model_providers.podium.wire_api": '"responses"',
        "model_providers.podium.supports_websockets": "false",
        "mcp_servers.podium.url": '"http://127.0.0.1:8000/mcp"',
        "mcp_servers.podium.bearer_token_env_var": '"PODIUM_AGENT_TOKEN"',
        "mcp_servers.podium.tool_timeout_sec": "3600",
        "developer_instructions": '"Line one\\nline \\"two\\" \\\\ \u00e9"',
    }


def test_system_prompt_values_are_valid_toml() -> None:
    import tomllib

    tricky = 'a"b\\c\nd\te\x01f\x7fg \u00e9 \U0001f600'
    value = _configs(PROVIDER.command(_spec(system_prompt=tricky)))["developer_instructions"]
    assert tomllib.loads(f"v = {value}")["v"] == tricky
    assert "developer_instructions" not in _configs(PROVIDER.command(_spec(system_prompt="")))


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("codex", None),
        ("codex-gpt-5.3-codex", "gpt-5.3-codex"),
        ("codex-o3", "o3"),
        ("gpt-5", "gpt-5"),
        ("o4-mini", "o4-mini"),
        ("codex-mini-latest", "codex-mini-latest"),
        (None, None),
    ],
)
def test_codex_model(model: str | None, expected: str | None) -> None:
    assert codex_model(model) == expected


def test_handles() -> None:
    for model in ("codex", "codex-gpt-5.3-codex", "gpt-5", "GPT-5", "o3", "o4-mini"):
        assert PROVIDER.handles(model), model
    for model in (None, "claude-sonnet-4-5", "sonnet", "opus"):
        assert not PROVIDER.handles(model), model


def test_price() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=0, cache_read_tokens=1_000_000)
    cached = PROVIDER.price("gpt-5.3-codex", usage)
    fresh = PROVIDER.price("gpt-5.3-codex", Usage(input_tokens=1_000_000))
    assert cached is not None and fresh is not None and 0 < cached < fresh
    assert PROVIDER.price("codex", usage) is None  # the CLI's default model: unknown
    assert PROVIDER.price("codex-no-such-model", usage) is None


def test_plain_codex_is_the_default_model_setting() -> None:
    provider = CodexProvider(default_model="gpt-5.3-codex")
    argv = provider.command(_spec(model="codex"))
    assert argv[argv.index("-m") + 1] == "gpt-5.3-codex"
    assert "-m" not in CodexProvider(default_model="").command(_spec(model="codex"))
    explicit = provider.command(_spec(model="codex-gpt-5.5"))
    assert explicit[explicit.index("-m") + 1] == "gpt-5.5"
