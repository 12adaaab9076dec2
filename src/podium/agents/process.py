"""Detached agent processes: spawn behind a tiny shell shim, identify by pid + start time,
wake on exit through a pidfd, stop the whole process group."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# The shim waits on the CLI and writes its exit status beside the log, so the status survives a
# server that was down when the agent ended. `trap :` (not `trap ''`) keeps the CLI's own signal
# handling default while the shim outlives a SIGTERM long enough to record the code.
_SHIM = (
    'trap : TERM INT HUP; "$@"; code=$?; '
    'printf "%s" "$code" > "$PODIUM_EXIT_FILE.tmp" && '
    'mv "$PODIUM_EXIT_FILE.tmp" "$PODIUM_EXIT_FILE"; exit "$code"'
)


@dataclass(frozen=True, slots=True)
class AgentFiles:
    """Where one agent run keeps its files: all named after the agent, under agent-logs/."""

    log: Path
    stderr: Path
    exit: Path
    prompt: Path

    @classmethod
    def for_agent(cls, logs_dir: Path, agent_id: str) -> AgentFiles:
        return cls(
            log=logs_dir / f"{agent_id}.ndjson",
            stderr=logs_dir / f"{agent_id}.stderr.log",
            exit=logs_dir / f"{agent_id}.exit",
            prompt=logs_dir / f"{agent_id}.prompt",
        )

    def read_exit_code(self) -> int | None:
        try:
            return int(self.exit.read_text().strip())
        except (OSError, ValueError):
            return None

    def stderr_tail(self, limit: int = 2000) -> str:
        try:
            with self.stderr.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - limit))
                return handle.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""


def _stat(pid: int) -> tuple[bytes, float] | None:
    """(state, start time in clock ticks since boot) of pid, zombies too; None if no such pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses; fields resume after ')'.
    fields = raw[raw.rindex(b")") + 2 :].split()
    return fields[0], float(fields[19])


def process_start_time(pid: int) -> float | None:
    """The kernel's start time of pid (clock ticks since boot); None if it is gone.

    With the pid it names one process for good: a reused pid has a different start time."""
    stat = _stat(pid)
    if stat is None or stat[0] == b"Z":
        return None
    return stat[1]


def is_same_process(pid: int | None, start_time: float | None) -> bool:
    if pid is None or start_time is None:
        return False
    return process_start_time(pid) == start_time


def spawn(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    files: AgentFiles,
) -> subprocess.Popen[bytes]:
    """Start argv in its own session and process group, stdin from the prompt file, stdout to the
    NDJSON log: no pipe ties the agent to the server, so it outlives a server restart."""
    child_env = dict(env)
    child_env["PODIUM_EXIT_FILE"] = str(files.exit)
    with (
        files.prompt.open("rb") as stdin,
        files.log.open("ab") as stdout,
        files.stderr.open("ab") as stderr,
    ):
        return subprocess.Popen(
            ["/bin/sh", "-c", _SHIM, "podium-agent", *argv],
            cwd=cwd,
            env=child_env,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            close_fds=True,
        )


def signal_group(pid: int, start_time: float | None, sig: signal.Signals) -> bool:
    """Signal the agent's whole process group, which the shim (pid, started at start_time)
    leads. False if nothing was signalled: the group is gone, or pid now names another
    process (reused), whose group is never ours. A leader that has ended (a zombie, or no
    process at all) still lets its group be signalled: the kernel gives out no pid that is
    still some group's id, so while members linger the group is ours."""
    stat = _stat(pid)
    if stat is not None and stat[1] != start_time:
        return False
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


class ExitWatch:
    """Calls `on_exit` once when the process ends: a pidfd in the event loop, no polling.

    Works for the server's own children and for processes it re-attached to after a restart."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        pid: int,
        on_exit: Callable[[int | None], None],
        child: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self._loop = loop
        self._pid = pid
        self._child = child
        self._on_exit = on_exit
        self._fired = False
        self._fd = os.pidfd_open(pid)
        loop.add_reader(self._fd, self._readable)

    def _readable(self) -> None:
        if self._fired:
            return
        self._fired = True
        self._loop.remove_reader(self._fd)
        os.close(self._fd)
        status: int | None = None
        if self._child is not None:
            status = self._child.poll()
        self._on_exit(status)

    def close(self) -> None:
        if not self._fired:
            self._fired = True
            self._loop.remove_reader(self._fd)
            with contextlib.suppress(OSError):
                os.close(self._fd)
