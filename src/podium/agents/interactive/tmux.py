"""A thin wrapper over the tmux CLI on Podium's own socket, so users' tmux is never touched.

Each interactive agent has one session, `podium-<agentId>`, with one pane running the agent's
shim. tmux daemonises its server, so sessions outlive a Podium restart."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path

# Read when the tmux server starts (the first session on the socket).
CONFIG = """\
set -g history-limit 20000
set -g status off
set -g default-terminal "xterm-256color"
set -g remain-on-exit off
set -sg escape-time 0
"""
DEFAULT_COLS = 200
DEFAULT_ROWS = 50


class TmuxError(Exception):
    pass


def session_name(agent_id: str) -> str:
    return f"podium-{agent_id}"


class Tmux:
    def __init__(self, socket: Path, binary: str = "tmux") -> None:
        self.socket = socket
        self.binary = binary
        self.config = socket.with_name("tmux.conf")

    def run(self, *args: str, check: bool = True, stdin: bytes = b"") -> str:
        argv = [self.binary, "-S", str(self.socket), "-f", str(self.config), *args]
        try:
            done = subprocess.run(argv, input=stdin, capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TmuxError(f"tmux {args[0]}: {exc}") from exc
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise TmuxError(f"tmux {args[0]}: {message or f'exit {done.returncode}'}")
        return done.stdout.decode("utf-8", "replace")

    def new_session(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        cols: int = DEFAULT_COLS,
        rows: int = DEFAULT_ROWS,
    ) -> int:
        """Start a detached session running argv (no shell in between); returns the pane's pid."""
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(CONFIG, encoding="utf-8")
        out = self.run(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(cols),
            "-y",
            str(rows),
            "-c",
            str(cwd),
            "-P",
            "-F",
            "#{pane_pid}",
            "--",
            *argv,
        )
        return int(out.strip())

    def has_session(self, name: str) -> bool:
        if not self.socket.exists():
            return False
        try:
            self.run("has-session", "-t", f"={name}")
        except TmuxError:
            return False
        return True

    def pipe_to(self, name: str, path: Path) -> None:
        """Append everything the pane prints to path (raw bytes, escape sequences included)."""
        quoted = "'" + str(path).replace("'", "'\\''") + "'"
        self.run("pipe-pane", "-o", "-t", f"={name}:", f"cat >> {quoted}")

    def stop_pipe(self, name: str) -> None:
        """Stop copying the pane's output (pipe-pane with no command closes the pipe)."""
        self.run("pipe-pane", "-t", f"={name}:")

    def capture(self, name: str, lines: int = 2000) -> str:
        """The visible screen plus up to `lines` of history, with colours (capture-pane -e)."""
        return self.run("capture-pane", "-p", "-e", "-J", "-S", f"-{lines}", "-t", f"={name}:")

    def size(self, name: str) -> tuple[int, int]:
        out = self.run("display-message", "-p", "-t", f"={name}:", "#{pane_width} #{pane_height}")
        cols, rows = out.split()
        return int(cols), int(rows)

    def type_text(self, name: str, text: str, *, submit: bool = False) -> None:
        """Put text into the pane exactly as typed, in one tmux call: the bytes go through a
        paste buffer read from stdin, so no character is parsed as tmux syntax (an argument
        ending in `;` is a command separator) and no argument size limit applies. Each line
        break ("\\r", "\\n" or "\\r\\n") is one Enter.

        With `submit` the text is a message: one bracketed paste (its line breaks stay inside the
        message when the program asked for bracketed paste, as TUIs do), then Enter to send it,
        in a call of its own: Claude Code drops an Enter that arrives with the paste's end."""
        data = text.replace("\r\n", "\r").replace("\n", "\r").encode("utf-8", "replace")
        target = f"={name}:"
        if data:
            buffer = f"podium-{uuid.uuid4().hex}"
            bracketed = ["-p"] if submit else []
            paste = ["paste-buffer", "-d", "-r", *bracketed, "-b", buffer, "-t", target]
            try:
                self.run("load-buffer", "-b", buffer, "-", ";", *paste, stdin=data)
            except TmuxError:  # the paste may not have happened: its buffer would stay behind
                self.run("delete-buffer", "-b", buffer, check=False)
                raise
        if submit:
            self.run("send-keys", "-t", target, "Enter")

    def press(self, name: str, key: str) -> None:
        self.run("send-keys", "-t", f"={name}:", key)

    def resize(self, name: str, cols: int, rows: int) -> None:
        self.run("resize-window", "-t", f"={name}:", "-x", str(cols), "-y", str(rows))

    def kill(self, name: str) -> bool:
        try:
            self.run("kill-session", "-t", f"={name}")
        except TmuxError:
            return False
        return True
