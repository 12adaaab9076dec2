"""Interactive agents' tmux sessions: start, type into, resize, stream, and track busy/idle.

- Start: the runner builds the command and environment as for a batch agent; this module adds
  the interactive parts (a managed CLAUDE_CONFIG_DIR, the state-hook URL), starts the tmux
  session `podium-<agentId>` on Podium's socket, and pipes the pane's raw output to
  `<data dir>/terminals/<agentId>.raw` (tmux keeps piping while Podium restarts).
- The job's prompt is typed in (one bracketed paste, then Enter; see keyboard.py) when Claude
  Code's `SessionStart` hook reports the TUI up, or after a fallback delay for CLIs without it.
- Activity comes from hooks, not from the screen: `UserPromptSubmit` -> busy, `Stop` -> idle,
  `Notification` -> waiting (an `idle_prompt` notification stays idle). It is stored on the
  agent row and published as `agent.updated` `{id, jobId, activity}`.
- Viewers subscribe to an agent's raw output; the file is followed with inotify."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podium.agents import repository
from podium.agents.interactive.keyboard import Keyboard
from podium.agents.interactive.tmux import Tmux, TmuxError, session_name
from podium.agents.interactive.traits import TuiTraits
from podium.agents.interactive.viewer_sizes import ViewerSizes
from podium.agents.logwatch import LogWatcher
from podium.agents.service import publish_agent
from podium.config import Settings
from podium.db.engine import Database
from podium.events import EventBus

log = logging.getLogger(__name__)

STATE_PATH = "/hook/state"
# A prompt typed while the TUI was still drawing may lose its Enter: press it again once.
SUBMIT_CHECK_SEC = 6.0
READ_CHUNK = 256 * 1024
# The pane's raw output is copied to a file only while someone watches, and the file starts
# over past this size (viewers get a fresh screen then), so a long session never fills a disk.
RAW_LIMIT = 4 * 1024 * 1024

Activity = str  # "busy" | "idle" | "waiting"


@dataclass(slots=True)
class _Session:
    agent_id: str
    job_id: str
    # The provider's traits: when to type the prompt without a SessionStart hook, and whether
    # a hook reports submitted prompts (else Podium marks the agent busy when it submits input).
    mode: TuiTraits
    prompt: str | None = None
    submitted: bool = False
    last_message: str | None = None
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


@dataclass(slots=True)
class _Tail:
    path: Path
    offset: int
    subscribers: list[Callable[[bytes | None], None]] = field(default_factory=list)


class InteractiveSessions:
    def __init__(self, *, settings: Settings, db: Database, bus: EventBus) -> None:
        self._settings = settings
        self._db = db
        self._bus = bus
        data_dir = settings.data_dir.resolve()
        self.tmux = Tmux(data_dir / "tmux.sock")
        self.keyboard = Keyboard(self.tmux)
        self._terminals = data_dir / "terminals"
        self._configs = data_dir / "interactive"
        self._sessions: dict[str, _Session] = {}
        self._viewer_sizes = ViewerSizes()
        self._tails: dict[str, _Tail] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watcher: LogWatcher | None = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._terminals.mkdir(parents=True, exist_ok=True)
        self._watcher = LogWatcher(self._loop, self._terminals)

    def close(self) -> None:
        for session in self._sessions.values():
            for timer in session.timers:
                timer.cancel()
        for tail in self._tails.values():
            for subscriber in list(tail.subscribers):
                subscriber(None)
        self._tails.clear()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def raw_path(self, agent_id: str) -> Path:
        return self._terminals / f"{agent_id}.raw"

    # -- launch --------------------------------------------------------------------------
    def environment(
        self,
        *,
        job_id: str,
        provider: str,
        mode: TuiTraits,
        work_dir: Path,
        env: Mapping[str, str],
    ) -> dict[str, str]:
        """The agent's environment plus what the interactive TUI needs."""
        out = dict(env)
        out["PODIUM_STATE_URL"] = f"{self._settings.mcp_base_url}{STATE_PATH}"
        out["TERM"] = "xterm-256color"
        out.setdefault("COLORTERM", "truecolor")
        if mode.prepare_env is not None:
            mode.prepare_env(self._configs / job_id / provider, work_dir, out)
        return out

    def spawn(
        self,
        *,
        agent_id: str,
        job_id: str,
        mode: TuiTraits,
        argv: Sequence[str],
        env: Mapping[str, str],
        work_dir: Path,
        exit_file: Path,
        prompt: str | None,
    ) -> int:
        """Start the agent's tmux session; returns the pane's pid (the agent's shim)."""
        assert self._loop is not None, "interactive sessions not started"
        self._terminals.mkdir(parents=True, exist_ok=True)
        launch_file = self._terminals / f"{agent_id}.launch.json"
        child_env = dict(env) | {"PODIUM_EXIT_FILE": str(exit_file)}
        fd = os.open(launch_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"argv": list(argv), "env": child_env}, handle)
        name = session_name(agent_id)
        raw = self.raw_path(agent_id)
        raw.touch()
        launcher = [sys.executable, "-m", "podium.agents.interactive.launch", str(launch_file)]
        try:
            pid = self.tmux.new_session(name, launcher, cwd=work_dir)
        except (TmuxError, ValueError) as exc:
            with contextlib.suppress(OSError):
                launch_file.unlink()
            self.tmux.kill(name)
            raise OSError(str(exc)) from exc
        session = _Session(agent_id=agent_id, job_id=job_id, mode=mode, prompt=prompt)
        self._sessions[agent_id] = session
        if prompt:
            delay = mode.prompt_fallback_sec
            session.timers.append(self._loop.call_later(delay, self._type_prompt, agent_id))
        return pid

    def adopt(self, agent_id: str, job_id: str, mode: TuiTraits) -> None:
        """Follow an agent that was started before this server (re-attach after a restart)."""
        self._sessions.setdefault(
            agent_id, _Session(agent_id=agent_id, job_id=job_id, mode=mode, submitted=True)
        )
        if agent_id not in self._tails:
            # A pipe the last server left open for its viewers: nobody reads it now.
            with contextlib.suppress(TmuxError):
                self.tmux.stop_pipe(session_name(agent_id))
            _start_over(self.raw_path(agent_id))

    def _type_prompt(self, agent_id: str) -> None:
        session = self._sessions.get(agent_id)
        if session is None or not session.prompt:
            return
        prompt, session.prompt = session.prompt, None
        self._submit(agent_id, session, prompt)

    def _submit(self, agent_id: str, session: _Session, message: str) -> None:
        """Paste a message and press Enter, in the background. A TUI still taking in a long
        paste may drop that Enter: Claude's UserPromptSubmit hook says whether it went in, and
        without it Enter is pressed again once."""
        session.submitted = False

        def typed() -> None:
            self._submitted(agent_id)
            if session.mode.reports_prompt_submit and self._loop is not None:
                session.timers.append(
                    self._loop.call_later(SUBMIT_CHECK_SEC, self._check_submitted, agent_id)
                )

        self.keyboard.type_later(agent_id, message.rstrip("\r\n"), submit=True, then=typed)

    def _check_submitted(self, agent_id: str) -> None:
        session = self._sessions.get(agent_id)
        if session is not None and not session.submitted:
            self.keyboard.type_later(agent_id, "", submit=True)  # Enter again

    # -- control -------------------------------------------------------------------------
    def is_alive(self, agent_id: str) -> bool:
        return self.tmux.has_session(session_name(agent_id))

    async def send_input(self, agent_id: str, text: str) -> None:
        """A viewer's keystrokes, typed as they came."""
        await self.keyboard.type(agent_id, text)
        if "\r" in text or "\n" in text:
            self._submitted(agent_id)

    def send_message(self, agent_id: str, message: str) -> bool:
        """Submit a whole message (a follow-up into a live session); False when this server
        follows no such session. Returns at once: it is typed in the background, after any
        input asked for before it."""
        session = self._sessions.get(agent_id)
        if session is None:
            return False
        self._submit(agent_id, session, message)
        return True

    def _submitted(self, agent_id: str) -> None:
        """Input went in: busy, for a CLI that will not say so itself."""
        session = self._sessions.get(agent_id)
        if session is not None and not session.mode.reports_prompt_submit:
            self._set_state(agent_id, session, "busy", None)

    def resize(self, agent_id: str, cols: int, rows: int) -> None:
        self.tmux.resize(session_name(agent_id), max(10, min(cols, 1000)), max(3, min(rows, 500)))

    async def viewer_resized(self, agent_id: str, viewer: object, cols: int, rows: int) -> None:
        """One viewer's terminal size; the pane takes the smallest of all its viewers'."""
        cols, rows = self._viewer_sizes.report(agent_id, viewer, cols, rows)
        await asyncio.to_thread(self.resize, agent_id, cols, rows)

    def screen(self, agent_id: str, lines: int = 2000) -> bytes:
        """Scrollback plus the visible screen, ready to write into a fresh terminal."""
        name = session_name(agent_id)
        text = self.tmux.capture(name, lines)
        rows = text.split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        out = "\x1b[H\x1b[2J\x1b[3J" + "\r\n".join(rows)
        with contextlib.suppress(TmuxError, ValueError):
            x, y = self.tmux.run(
                "display-message", "-p", "-t", f"={name}:", "#{cursor_x} #{cursor_y}"
            ).split()
            # The screen is the last rows written, so the cursor goes where tmux has it.
            out += f"\x1b[{int(y) + 1};{int(x) + 1}H"
        return out.encode("utf-8", "replace")

    def kill(self, agent_id: str) -> bool:
        return self.tmux.kill(session_name(agent_id))

    def ended(self, agent_id: str) -> str | None:
        """The agent's process ended: close its viewers; returns its last answer, if known."""
        session = self._sessions.pop(agent_id, None)
        if session is not None:
            for timer in session.timers:
                timer.cancel()
        self._viewer_sizes.forget(agent_id)
        self.keyboard.forget(agent_id)
        self.tmux.kill(session_name(agent_id))
        tail = self._tails.pop(agent_id, None)
        if tail is not None:
            self._read_tail(agent_id, tail)
            if self._watcher is not None:
                self._watcher.unfollow(tail.path.name)
            for subscriber in list(tail.subscribers):
                subscriber(None)
        return session.last_message if session is not None else None

    # -- state hooks ---------------------------------------------------------------------
    async def hook(self, agent_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """`POST /hook/state` from an agent's hook: SessionStart, UserPromptSubmit, Stop, ..."""
        event = str(payload.get("event") or "")
        activity: Activity | None = None
        if event == "SessionStart":
            activity = "idle"
        elif event == "UserPromptSubmit":
            activity = "busy"
        elif event == "Stop":
            activity = "idle"
        elif event == "Notification":
            idle = payload.get("notificationType") == "idle_prompt"
            activity = "idle" if idle else "waiting"
        session = self._sessions.get(agent_id)
        if session is not None:
            if event == "UserPromptSubmit":
                session.submitted = True
            if event == "Stop" and isinstance(payload.get("lastMessage"), str):
                session.last_message = payload["lastMessage"]
        session_id = payload.get("sessionId")
        known = self._set_state(
            agent_id, session, activity, session_id if isinstance(session_id, str) else None
        )
        if not known:
            return {"ok": False}
        if event == "SessionStart" and session is not None and session.prompt:
            for timer in session.timers:
                timer.cancel()
            session.timers.clear()
            self._type_prompt(agent_id)
        return {"ok": True}

    def _set_state(
        self,
        agent_id: str,
        session: _Session | None,
        activity: Activity | None,
        session_id: str | None,
    ) -> bool:
        """Store and publish what changed; False when the agent is unknown."""
        changes: dict[str, Any] = {}
        if activity is not None:
            changes["activity"] = activity
        if session_id:
            changes["session_id"] = session_id
        if changes:
            with self._db.write() as conn:
                row = repository.get(conn, agent_id)
                if row is None:
                    return False
                repository.update_fields(conn, agent_id, **changes)
        if activity is not None:
            publish_agent(self._bus, self._db, agent_id)
        return True

    # -- viewers -------------------------------------------------------------------------
    def subscribe(
        self, agent_id: str, deliver: Callable[[bytes | None], None]
    ) -> Callable[[], None]:
        """Call deliver(chunk) with every new chunk of the pane's raw output, deliver(None) when
        the agent ends. Returns the unsubscribe function. `deliver` also stands for the viewer
        in `viewer_resized`."""
        tail = self._tails.get(agent_id)
        if tail is None:
            # The first viewer: copy the pane's output from now on (the viewer gets the screen
            # as it is from a capture, taken after this).
            path = self.raw_path(agent_id)
            _start_over(path)
            tail = _Tail(path=path, offset=0)
            self._tails[agent_id] = tail
            with contextlib.suppress(TmuxError):
                self.tmux.pipe_to(session_name(agent_id), path)
            if self._watcher is not None:
                self._watcher.follow(path.name, lambda: self._read_tail(agent_id, tail))
        tail.subscribers.append(deliver)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                tail.subscribers.remove(deliver)
            size = self._viewer_sizes.leave(agent_id, deliver)
            if size is not None:  # the viewers left may have room for a larger pane
                with contextlib.suppress(TmuxError):
                    self.resize(agent_id, *size)
            if not tail.subscribers and self._tails.get(agent_id) is tail:
                del self._tails[agent_id]
                if self._watcher is not None:
                    self._watcher.unfollow(tail.path.name)
                with contextlib.suppress(TmuxError):
                    self.tmux.stop_pipe(session_name(agent_id))
                _start_over(tail.path)

        return unsubscribe

    def _read_tail(self, agent_id: str, tail: _Tail) -> None:
        try:
            with tail.path.open("rb") as handle:
                handle.seek(tail.offset)
                while True:
                    chunk = handle.read(READ_CHUNK)
                    if not chunk:
                        break
                    tail.offset += len(chunk)
                    for subscriber in list(tail.subscribers):
                        subscriber(chunk)
        except OSError:
            return
        if tail.offset > RAW_LIMIT and tail.subscribers:
            # Start the file over; bytes written since the read above are lost, so the viewers
            # get the whole screen again (it begins by clearing theirs).
            _start_over(tail.path)
            tail.offset = 0
            with contextlib.suppress(TmuxError, ValueError):
                screen = self.screen(agent_id)
                for subscriber in list(tail.subscribers):
                    subscriber(screen)


def _start_over(path: Path) -> None:
    """Empty the raw output file (the pane's pipe appends, so it writes from the start again)."""
    with contextlib.suppress(OSError):
        os.truncate(path, 0)
