"""The Claude stream-json parser over a transcript recorded from the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from podium.agents.providers.base import LaunchSpec
from podium.agents.providers.claude import ClaudeProvider

FIXTURE = Path(__file__).parent / "fixtures" / "claude_stream.ndjson"


def parsed_lines() -> list:  # type: ignore[type-arg]
    provider = ClaudeProvider()
    return [provider.parse_line(json.loads(line)) for line in FIXTURE.read_text().splitlines()]


def test_event_kinds_follow_the_transcript() -> None:
    kinds = [event.kind for line in parsed_lines() for event in line.events]
    assert kinds == [
        "init",
        "text",
        "tool_use",
        "tool_result",
        "text",
        "tool_use",
        "tool_result",
        "text",
        "result",
    ]


def test_session_model_tools_and_result() -> None:
    lines = parsed_lines()
    init = lines[0]
    assert init.session_id and init.model == "claude-sonnet-4-5"
    assert "Bash" in init.events[0].data["tools"]
    bash = next(e for line in lines for e in line.events if e.kind == "tool_use")
    assert bash.data["name"] == "Bash" and "command" in bash.data["input"]
    assert bash.text.startswith("Bash ")
    output = next(e for line in lines for e in line.events if e.kind == "tool_result")
    assert "hello-from-bash" in output.text and output.data["isError"] is False
    result = lines[-1].result
    assert result is not None and not result.is_error and result.subtype == "success"
    assert result.text == "Done: bash said hello-from-bash and hello.txt is written."
    assert result.num_turns == 3 and result.cost_usd and result.cost_usd > 0
    assert result.usage is not None and result.usage.output_tokens > 0


def test_usage_is_keyed_by_message_so_split_messages_count_once() -> None:
    keyed = [line for line in parsed_lines() if line.usage is not None]
    keys = [line.usage_key for line in keyed]
    assert all(keys) and len(set(keys)) == 3, "three model replies, one key each"


def test_error_result_and_unknown_lines() -> None:
    provider = ClaudeProvider()
    failed = provider.parse_line(
        {"type": "result", "subtype": "error_max_turns", "is_error": False, "num_turns": 2}
    )
    assert failed.result is not None and failed.result.is_error
    other = provider.parse_line({"type": "stream_event", "x": 1})
    assert other.events[0].kind == "raw"


def test_command_carries_the_spec_flags(tmp_path: Path) -> None:
    spec = LaunchSpec(
        agent_id="ag_1",
        job_id="job_1",
        binary="claude",
        work_dir=tmp_path,
        model="opus",
        system_prompt="be kind",
        max_turns=7,
        resume_session_id="sess",
        mcp_url="http://127.0.0.1:1/mcp",
        mcp_headers={"Authorization": "Bearer t"},
        hook_command="podium-hook",
    )
    argv = ClaudeProvider().command(spec)
    joined = " ".join(argv)
    for flag in (
        "--print",
        "--output-format stream-json",
        "--verbose",
        "--dangerously-skip-permissions",
        "--max-turns 7",
        "--model opus",
        "--resume sess",
        "--append-system-prompt",
    ):
        assert flag in joined
    mcp = json.loads(argv[argv.index("--mcp-config") + 1])
    assert mcp["mcpServers"]["podium"]["headers"] == {"Authorization": "Bearer t"}
    settings = json.loads(argv[argv.index("--settings") + 1])
    assert settings["hooks"]["PreToolUse"][0]["matcher"] == "Edit|Write|MultiEdit|NotebookEdit"
