"""Interactive mode's small parts: typing into tmux, the state hook's payload, the managed
Claude config that skips the first-run screens, and the TUI command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from podium.agents.interactive import claude_config, state_hook
from podium.agents.interactive.tmux import Tmux
from podium.agents.providers.base import LaunchSpec
from podium.agents.providers.claude import ClaudeProvider


def test_claude_config_answers_first_run_screens(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    key = "sk-ant-test-" + "x" * 30 + "LAST20CHARSOFTHEKEY!"
    config = claude_config.prepare(tmp_path / "cfg", work, {"ANTHROPIC_API_KEY": key})
    state = json.loads((config / ".claude.json").read_text())
    assert state["hasCompletedOnboarding"] is True
    assert state["customApiKeyResponses"]["approved"] == [key[-20:]]
    assert state["projects"][str(work)]["hasTrustDialogAccepted"] is True
    settings = json.loads((config / "settings.json").read_text())
    assert settings["skipDangerousModePermissionPrompt"] is True
    # Preparing again (a second agent of the job) keeps one approval, adds the new folder.
    other = tmp_path / "other"
    other.mkdir()
    claude_config.prepare(config, other, {"ANTHROPIC_API_KEY": key})
    state = json.loads((config / ".claude.json").read_text())
    assert state["customApiKeyResponses"]["approved"] == [key[-20:]]
    assert {str(work), str(other)} <= set(state["projects"])


def test_state_hook_payloads(monkeypatch: pytest.MonkeyPatch) -> None:
    note = json.dumps(
        {"type": "agent-turn-complete", "thread-id": "t-1", "last-assistant-message": "done"}
    )
    assert state_hook.payload(["hook", note]) == {
        "event": "Stop",
        "sessionId": "t-1",
        "lastMessage": "done",
    }
    monkeypatch.delenv("PODIUM_STATE_URL", raising=False)
    assert state_hook.main(["hook", "Stop"]) == 0  # not a Podium agent: nothing to do


def test_claude_interactive_command_has_state_hooks_and_no_print() -> None:
    spec = LaunchSpec(
        agent_id="ag_1",
        job_id="job_1",
        binary="claude",
        work_dir=Path("/tmp"),
        model="claude-sonnet-4-5",
        system_prompt="be brief",
        max_turns=5,
        mcp_url="http://127.0.0.1:1/mcp/ag_1",
        hook_command="lock-hook",
    )
    argv = ClaudeProvider().interactive_command(spec)
    assert "--print" not in argv and "--output-format" not in argv
    settings = json.loads(argv[argv.index("--settings") + 1])
    hooks = settings["hooks"]
    assert {"SessionStart", "UserPromptSubmit", "Stop", "Notification", "PreToolUse"} <= set(hooks)
    assert hooks["Stop"][0]["hooks"][0]["command"].endswith("state_hook Stop")
    assert hooks["PreToolUse"][0]["hooks"][0]["command"] == "lock-hook"


def test_tmux_typing_presses_enter_for_line_breaks(tmp_path: Path) -> None:
    tmux = Tmux(tmp_path / "tmux.sock")
    name = "podium-unit"
    typed = tmp_path / "typed.txt"
    # What reaches the program, not the screen: the terminal's echo and the program's output
    # can interleave on screen when the machine is busy.
    tmux.new_session(name, ["sh", "-c", f"cat > {typed}"], cwd=tmp_path, cols=80, rows=10)
    try:
        assert tmux.has_session(name)
        tmux.type_text(name, "one\r\ntwo\rthree", submit=True)
        content = ""
        for _ in range(100):
            content = typed.read_text() if typed.exists() else ""
            if content.endswith("three\n"):
                break
            subprocess.run(["sleep", "0.05"], check=True)
        # One Enter per line break ("\r\n" is one, not two: no empty line between).
        assert content == "one\ntwo\nthree\n"
        tmux.resize(name, 100, 20)
        assert tmux.size(name) == (100, 20)
    finally:
        tmux.kill(name)
    assert not tmux.has_session(name)


def test_codex_interactive_command_trusts_the_folder_and_notifies() -> None:
    from podium.agents.providers.codex import CodexProvider

    spec = LaunchSpec(
        agent_id="ag_1",
        job_id="job_1",
        binary="codex",
        work_dir=Path("/tmp/w"),
        model="codex-gpt-5.3-codex",
        system_prompt="",
        max_turns=None,
        openai_base_url="http://127.0.0.1:9/v1",
    )
    argv = CodexProvider().interactive_command(spec)
    assert argv[0] == "codex" and "exec" not in argv and "--json" not in argv
    assert "--dangerously-bypass-approvals-and-sandbox" in argv
    assert 'projects={"/tmp/w"={trust_level="trusted"}}' in argv
    assert any(arg.startswith("notify=[") and "state_hook" in arg for arg in argv)
    assert "disable_paste_burst=true" in argv  # typed text + Enter submits, see the provider
