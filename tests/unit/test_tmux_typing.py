"""Typing into a real tmux pane: what the program in the pane receives, byte for byte.

The pane runs a small program that puts its terminal in raw mode (no line editing, no echo),
asks for bracketed paste as TUIs do, and appends every byte it reads to a file."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from podium.agents.interactive.keyboard import Keyboard
from podium.agents.interactive.tmux import Tmux, session_name

RECORDER = """
import os, sys, termios, tty
tty.setraw(0)
os.write(1, b"\\x1b[?2004h")  # bracketed paste on, as Claude Code and Codex ask
with open(sys.argv[1], "ab", buffering=0) as out:
    os.write(1, b"ready")
    while True:
        out.write(os.read(0, 65536))
"""
START, END = b"\x1b[200~", b"\x1b[201~"


class Pane:
    def __init__(self, tmux: Tmux, name: str, received: Path) -> None:
        self.tmux, self.name, self.received = tmux, name, received

    def wait_for(self, expected: bytes, timeout: float = 20) -> bytes:
        """What the program received, once it is `expected` (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        got = b""
        while time.monotonic() < deadline:
            got = self.received.read_bytes()
            if len(got) >= len(expected):
                break
            time.sleep(0.02)
        return got


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    tmux = Tmux(tmp_path / "tmux.sock")
    received = tmp_path / "received.bin"
    received.touch()
    name = session_name("ag_typing")
    argv = [sys.executable, "-c", RECORDER, str(received)]
    tmux.new_session(name, argv, cwd=tmp_path, cols=80, rows=10)
    deadline = time.monotonic() + 20
    while "ready" not in tmux.capture(name) and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield Pane(tmux, name, received)
    finally:
        tmux.kill(name)


def test_a_trailing_semicolon_arrives(pane: Pane) -> None:
    """tmux reads an argument ending in `;` as a command separator: typed text never goes
    through an argument."""
    pane.tmux.type_text(pane.name, "echo one;")
    pane.tmux.type_text(pane.name, ";")
    pane.tmux.type_text(pane.name, "two \\;\r")
    expected = b"echo one;;two \\;\r"
    assert pane.wait_for(expected) == expected


def test_line_breaks_press_enter_once_each(pane: Pane) -> None:
    pane.tmux.type_text(pane.name, "one\r\ntwo\nthree\r")
    expected = b"one\rtwo\rthree\r"
    assert pane.wait_for(expected) == expected


def test_a_128_kib_message_arrives_whole_as_one_paste_then_enter(pane: Pane) -> None:
    line = "x" * 1000 + " ; \\ 'quoted' \"double\" $HOME #{pane_id} ;"
    message = "\n".join(f"{i:04d} {line}" for i in range(128 * 1024 // len(line) + 1)) + ";"
    assert len(message) > 128 * 1024
    pane.tmux.type_text(pane.name, message, submit=True)
    expected = START + message.replace("\n", "\r").encode() + END + b"\r"
    got = pane.wait_for(expected, timeout=60)
    assert len(got) == len(expected)
    assert got == expected


def test_an_empty_submit_presses_enter(pane: Pane) -> None:
    pane.tmux.type_text(pane.name, "", submit=True)
    assert pane.wait_for(b"\r") == b"\r"


@pytest.fixture
def slow_tmux(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A tmux that waits, before each call, for one line on a FIFO the test writes to."""
    gate = tmp_path / "gate"
    os.mkfifo(gate)
    script = tmp_path / "slow-tmux"
    script.write_text(f'#!/bin/sh\nread line < "{gate}"\nexec tmux "$@"\n')
    script.chmod(0o755)
    held = os.open(gate, os.O_RDWR)  # open for the whole test: each call reads its own line
    try:
        yield script, held
    finally:
        os.close(held)


async def test_typing_runs_off_the_loop_in_the_order_asked(
    pane: Pane, slow_tmux: tuple[Path, int]
) -> None:
    """A tmux that does not answer (a loaded machine, a huge paste) holds only the typing, not
    the event loop; the inputs queued meanwhile go in afterwards, in order."""
    script, gate = slow_tmux
    keyboard = Keyboard(Tmux(pane.tmux.socket, binary=str(script)))
    agent_id = pane.name.removeprefix("podium-")
    typed: list[str] = []
    keyboard.type_later(agent_id, "first;", then=lambda: typed.append("first"))
    keyboard.type_later(agent_id, "second", submit=True, then=lambda: typed.append("second"))
    keystrokes = asyncio.create_task(keyboard.type(agent_id, "third;"))

    # The loop runs on while tmux is held: these timers fire on time.
    began = time.monotonic()
    for _ in range(10):
        await asyncio.sleep(0.01)
    assert time.monotonic() - began < 5
    assert typed == [] and not keystrokes.done()
    assert pane.received.read_bytes() == b""

    os.write(gate, b"go\n" * 4)  # the tmux calls: first, second (paste, Enter), third
    await asyncio.wait_for(keystrokes, timeout=20)
    assert typed == ["first", "second"]
    expected = b"first;" + START + b"second" + END + b"\rthird;"
    assert pane.wait_for(expected) == expected
