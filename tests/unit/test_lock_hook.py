"""The lock hook fails closed: every reply that is not a clear yes, and every way of getting no
reply at all, ends in exit 2 (the only code Claude Code blocks on) with a message on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from podium import hook
from podium.agents.wiring import hook_command
from tests.support.hook_replies import hook_replies
from tests.support.podium_process import free_port


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with hook_replies() as url:
        yield url


EDIT = json.dumps(
    {"tool_name": "Write", "cwd": "/tmp", "tool_input": {"file_path": "a.txt", "content": "x"}}
)


def run_hook(
    url: str | None, *, stdin: str = EDIT, fail_open: bool = False, command: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PODIUM_AGENT_TOKEN": "t"}
    if url is not None:
        env["PODIUM_HOOK_URL"] = url
    if fail_open:
        env["PODIUM_LOCK_FAIL_OPEN"] = "1"
    argv = ["sh", "-c", command or hook_command()]
    return subprocess.run(argv, input=stdin, env=env, capture_output=True, text=True, timeout=60)


def test_a_clear_yes_lets_the_edit_through(server: str) -> None:
    done = run_hook(f"{server}/allow")
    assert (done.returncode, done.stderr) == (0, "")


def test_a_refusal_blocks_with_podiums_message(server: str) -> None:
    done = run_hook(f"{server}/deny")
    assert done.returncode == 2 and "locked by agent ag_1" in done.stderr


def test_a_refusal_blocks_even_when_failing_open(server: str) -> None:
    assert run_hook(f"{server}/deny", fail_open=True).returncode == 2


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("garbage", "unreadable answer"),
        ("null", "unexpected answer"),
        ("stringly", "unexpected answer"),
        ("empty", "unreadable answer"),
        ("half", "IncompleteRead"),
        ("error", "HTTPError 500"),
    ],
)
def test_every_bad_reply_blocks_with_a_message(server: str, mode: str, said: str) -> None:
    done = run_hook(f"{server}/{mode}")
    assert done.returncode == 2, done
    assert said in done.stderr and "edit is blocked" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_absent_server_blocks() -> None:
    done = run_hook(f"http://127.0.0.1:{free_port()}/hook/lock")
    assert done.returncode == 2 and "Connection refused" in done.stderr


def test_a_server_that_never_answers_blocks_at_the_timeout(server: str) -> None:
    with pytest.raises(hook.NoAnswer, match="timed out"):
        hook.ask(f"{server}/silent", "t", "Write", "/tmp/a.txt", timeout=0.5)


def test_fail_open_lets_edits_through_only_when_asked_to() -> None:
    absent = f"http://127.0.0.1:{free_port()}/hook/lock"
    assert run_hook(absent, fail_open=True).returncode == 0
    assert run_hook(absent).returncode == 2


@pytest.mark.parametrize("stdin", ["", "not json", "[1, 2]", "null"])
def test_an_unreadable_tool_call_blocks(server: str, stdin: str) -> None:
    done = run_hook(f"{server}/allow", stdin=stdin)
    assert done.returncode == 2 and "unreadable tool call" in done.stderr


def test_a_hook_without_a_url_blocks() -> None:
    done = run_hook(None)
    assert done.returncode == 2 and "PODIUM_HOOK_URL" in done.stderr


def test_a_missing_interpreter_blocks_instead_of_exit_127(tmp_path: Path, server: str) -> None:
    gone = tmp_path / "old venv" / "bin" / "python"
    done = run_hook(f"{server}/allow", command=hook_command(str(gone)))
    assert done.returncode == 2
    assert "could not run (exit 127)" in done.stderr and str(gone) in done.stderr
    assert (
        run_hook(f"{server}/allow", command=hook_command(str(gone)), fail_open=True).returncode == 0
    )


def test_an_interpreter_without_podium_blocks(tmp_path: Path, server: str) -> None:
    bare = tmp_path / "bare python"
    bare.symlink_to(Path(sys.base_prefix) / "bin" / "python3")
    done = run_hook(f"{server}/allow", command=hook_command(str(bare)))
    assert done.returncode == 2 and "could not run (exit 1)" in done.stderr


def test_an_interpreter_path_with_spaces_runs(tmp_path: Path, server: str) -> None:
    spaced = tmp_path / "my venv" / "python"
    spaced.parent.mkdir()
    spaced.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    spaced.chmod(0o755)
    assert run_hook(f"{server}/allow", command=hook_command(str(spaced))).returncode == 0
    assert run_hook(f"{server}/deny", command=hook_command(str(spaced))).returncode == 2
