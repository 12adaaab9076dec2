"""The real Claude Code CLI with Podium's lock hook pointed at a server that gives no usable
answer: the Write is blocked and the file stays as it was. Claude Code lets an edit through on
any hook exit but 2, so each of these would have been an unguarded write."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from podium.agents.providers.claude import LOCKED_TOOLS
from podium.agents.wiring import hook_command
from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.hook_replies import hook_replies
from tests.support.jobs import CLAUDE_BIN
from tests.support.podium_process import agent_env, free_port


@pytest.fixture(scope="module")
def replies() -> Iterator[str]:
    with hook_replies() as url:
        yield url


def write_through_hook(
    model: ScriptedAnthropic, tmp_path: Path, hook_url: str, command: str
) -> tuple[Path, str]:
    """One claude run whose model writes a file; returns the file and the run's final text."""
    target = tmp_path / "work" / "target.txt"
    target.parent.mkdir()
    target.write_text("original\n")
    marker = model.add_script(
        f"hook-{tmp_path.name}",
        [
            {"tool": "Read", "input": {"file_path": str(target)}},
            {"tool": "Write", "input": {"file_path": str(target), "content": "clobbered\n"}},
            {"text": "write said: {{last_result}}"},
        ],
    )
    hooks = {
        "PreToolUse": [
            {"matcher": LOCKED_TOOLS, "hooks": [{"type": "command", "command": command}]}
        ]
    }
    home = tmp_path / "home"
    home.mkdir()
    env = agent_env(home, model.url) | {"PODIUM_HOOK_URL": hook_url, "PODIUM_AGENT_TOKEN": "t"}
    run = subprocess.run(
        [
            str(CLAUDE_BIN),
            "--print",
            "--output-format",
            "stream-json",
            "--verbose",
            "--dangerously-skip-permissions",
            "--settings",
            json.dumps({"hooks": hooks}),
        ],
        input=f"please write {marker}",
        cwd=target.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    results = [json.loads(line) for line in run.stdout.splitlines() if '"type":"result"' in line]
    assert results, run.stdout + run.stderr
    return target, str(results[-1]["result"])


@pytest.mark.parametrize(
    ("mode", "said"),
    [("garbage", "unreadable answer"), ("half", "IncompleteRead"), ("null", "unexpected answer")],
)
def test_a_bad_reply_blocks_the_write(
    model: ScriptedAnthropic, tmp_path: Path, replies: str, mode: str, said: str
) -> None:
    target, result = write_through_hook(model, tmp_path, f"{replies}/{mode}", hook_command())
    assert target.read_text() == "original\n", result
    assert said in result and "edit is blocked" in result


def test_an_absent_server_blocks_the_write(model: ScriptedAnthropic, tmp_path: Path) -> None:
    absent = f"http://127.0.0.1:{free_port()}/hook/lock"
    target, result = write_through_hook(model, tmp_path, absent, hook_command())
    assert target.read_text() == "original\n", result
    assert "Connection refused" in result


def test_a_vanished_interpreter_blocks_the_write(
    model: ScriptedAnthropic, tmp_path: Path, replies: str
) -> None:
    gone = str(tmp_path / "rebuilt venv" / "bin" / "python")
    target, result = write_through_hook(model, tmp_path, f"{replies}/allow", hook_command(gone))
    assert target.read_text() == "original\n", result
    assert "could not run (exit 127)" in result


def test_a_clear_yes_lets_the_write_through(
    model: ScriptedAnthropic, tmp_path: Path, replies: str
) -> None:
    """The control: the same run with a hook that answers yes does write."""
    spaced = tmp_path / "my venv" / "python"
    spaced.parent.mkdir()
    spaced.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    spaced.chmod(0o755)
    target, result = write_through_hook(
        model, tmp_path, f"{replies}/allow", hook_command(str(spaced))
    )
    assert target.read_text() == "clobbered\n", result
