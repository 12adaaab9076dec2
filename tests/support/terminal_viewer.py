"""A client of /ws/terminal/{agentId} that reads the screen the way a terminal shows it.

TUIs redraw by diffing cells: a line that replaces `* Osmosing…` with `● ONLY-ANSWER` may
skip the unchanged `O` with a cursor move. Stripping escape codes from the byte stream then
reads `●NLY-ANSWER`, so the bytes are fed to a terminal emulator (pyte) at the pane's size,
as the dashboard's xterm.js does."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import time
from typing import Any

import pyte
from websockets.sync.client import ClientConnection, connect

from tests.support.podium_process import PodiumServer

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
HISTORY_LINES = 5000


class Viewer:
    """One terminal WebSocket: the screen it would show and the JSON messages it received."""

    def __init__(self, server: PodiumServer, agent_id: str) -> None:
        url = f"ws://127.0.0.1:{server.port}/ws/terminal/{agent_id}"
        self._stack = contextlib.ExitStack()
        self.socket: ClientConnection = self._stack.enter_context(connect(url, open_timeout=10))
        self.raw = b""
        self.messages: list[dict[str, Any]] = []
        self._screen = pyte.HistoryScreen(80, 24, history=HISTORY_LINES, ratio=0.5)
        self._stream = pyte.ByteStream(self._screen)

    def screen(self) -> str:
        """Scrolled-off lines and the visible screen, as rendered."""
        columns = self._screen.columns
        history = [
            "".join(line[x].data for x in range(columns)).rstrip()
            for line in self._screen.history.top
        ]
        return "\n".join(history + [line.rstrip() for line in self._screen.display])

    def text(self) -> str:
        """Every byte received with the escape codes dropped: what passed through, in order."""
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    def shows(self, text: str) -> bool:
        """The text is on the rendered screen (or passed through whole, for a fast redraw)."""
        return text in self.screen() or text in self.text()

    def pump(self, timeout: float = 0.2) -> None:
        try:
            frame = self.socket.recv(timeout=timeout)
        except TimeoutError:
            return
        if isinstance(frame, bytes):
            self.raw += frame
            self._stream.feed(frame)
            return
        message = json.loads(frame)
        self.messages.append(message)
        if message.get("type") == "hello" and message.get("cols") and message.get("rows"):
            self._screen.resize(message["rows"], message["cols"])

    def wait_for(self, predicate: Any, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            self.pump()
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()[-3000:]}")

    def wait_to_show(self, text: str, what: str, timeout: float = 30) -> None:
        self.wait_for(lambda: self.shows(text), what, timeout)

    def activities(self) -> list[str]:
        return [m["activity"] for m in self.messages if m.get("type") == "activity"]

    def send(self, message: dict[str, Any]) -> None:
        if message.get("type") == "resize":
            self._screen.resize(message["rows"], message["cols"])
        self.socket.send(json.dumps(message))

    def close(self) -> None:
        self._stack.close()


def tmux(server: PodiumServer, *args: str) -> subprocess.CompletedProcess[str]:
    """Ask the server's tmux (its own socket) directly, not through Podium."""
    return subprocess.run(
        ["tmux", "-S", str(server.data_dir / "tmux.sock"), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def pane_size(server: PodiumServer, agent_id: str) -> tuple[int, int]:
    """The agent's tmux window size, as tmux has it."""
    done = tmux(
        server,
        "display-message",
        "-p",
        "-t",
        f"=podium-{agent_id}:",
        "#{window_width} #{window_height}",
    )
    done.check_returncode()
    cols, rows = done.stdout.split()
    return int(cols), int(rows)


def tmux_alive(server: PodiumServer, agent_id: str) -> bool:
    return tmux(server, "has-session", "-t", f"=podium-{agent_id}").returncode == 0
