"""Shared pieces: the figure record, percentiles, a real `podium serve` process, transcripts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / ".bench"  # git-ignored; the 1M-line log and its database live here
PODIUM_BIN = Path(sys.executable).with_name("podium")
MODEL = "claude-sonnet-4-5"


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure. `ratio` is value / budget; whether that is good depends on `higher_is_better`."""

    name: str
    value: float
    unit: str
    budget: float | None = None
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        if self.budget is None or self.budget == 0:
            return None
        return self.value / self.budget

    @property
    def within(self) -> bool | None:
        if self.budget is None:
            return None
        return self.value >= self.budget if self.higher_is_better else self.value <= self.budget

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile, p in 0..100."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PodiumServer:
    """`podium serve` started the way a user starts it, on free ports, with its own data dir."""

    def __init__(self, data_dir: Path, *, claude_bin: Path, max_agents: int = 20) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        # Settings that would change what is measured (a token, another database) are dropped.
        ignored = ("AUTH_TOKEN", "DB_PATH", "HOST", "ORCHESTRATOR_API_URL", "SENTRY_DSN")
        self.env = {k: v for k, v in os.environ.items() if k not in ignored} | {
            "PORT": str(self.port),
            "MCP_PORT": str(free_port()),
            "PODIUM_DATA_DIR": str(data_dir),
            "CLAUDE_BIN": str(claude_bin),
            "MAX_CONCURRENT_AGENTS": str(max_agents),
        }
        self.log_path = data_dir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> float:
        """Start and wait for /api/health; returns the seconds that took."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            began = time.perf_counter()
            self.proc = subprocess.Popen(
                [str(PODIUM_BIN), "serve"], cwd=self.data_dir, env=self.env, stdout=log, stderr=log
            )
        deadline = began + timeout
        with httpx.Client(timeout=1) as client:
            while time.perf_counter() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"podium serve exited early:\n{self.log_tail()}")
                try:
                    if client.get(f"{self.url}/api/health").status_code == 200:
                        return time.perf_counter() - began
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)
        raise RuntimeError(f"podium serve did not become healthy:\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def kill_standin(pid: int, standin: Path) -> None:
    """SIGKILL the process group of a stand-in agent still running (the Podium shim leads it);
    a pid that no longer runs our stand-in is left alone."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if str(standin).encode() in cmdline:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass


# -- Claude Code stream-json lines ------------------------------------------------------------
def token_usage(inp: int, out: int, cache_read: int = 1800, cache_write: int = 0) -> dict[str, Any]:
    return {
        "input_tokens": inp,
        "output_tokens": out,
        "cache_read_input_tokens": cache_read,
        "cache_creation_input_tokens": cache_write,
        "service_tier": "standard",
    }


def init_line(session: str) -> dict[str, Any]:
    return {
        "type": "system",
        "subtype": "init",
        "cwd": "/tmp/bench",
        "session_id": session,
        "tools": ["Bash", "Edit", "Read", "Write", "Grep", "Glob"],
        "mcp_servers": [],
        "model": MODEL,
        "permissionMode": "bypassPermissions",
        "apiKeySource": "ANTHROPIC_API_KEY",
        "uuid": str(uuid.uuid4()),
    }


def _assistant(
    session: str, msg_id: str, block: dict[str, Any], tokens: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {
            "id": msg_id,
            "type": "message",
            "role": "assistant",
            "model": MODEL,
            "content": [block],
            "stop_reason": None,
            "usage": tokens or token_usage(2100, 40),
        },
        "parent_tool_use_id": None,
        "session_id": session,
        "uuid": str(uuid.uuid4()),
    }


def text_line(
    session: str, msg_id: str, text: str, tokens: dict[str, Any] | None = None
) -> dict[str, Any]:
    return _assistant(session, msg_id, {"type": "text", "text": text}, tokens)


def thinking_line(
    session: str, msg_id: str, text: str, tokens: dict[str, Any] | None = None
) -> dict[str, Any]:
    block = {"type": "thinking", "thinking": text, "signature": "x"}
    return _assistant(session, msg_id, block, tokens)


def tool_use_line(
    session: str, msg_id: str, tool_id: str, command: str, tokens: dict[str, Any] | None = None
) -> dict[str, Any]:
    block = {
        "type": "tool_use",
        "id": tool_id,
        "name": "Bash",
        "input": {"command": command, "description": "Run a command"},
    }
    return _assistant(session, msg_id, block, tokens)


def tool_result_line(session: str, tool_id: str, content: str) -> dict[str, Any]:
    return {
        "type": "user",
        "message": {
            "role": "user",
            "content": [
                {
                    "tool_use_id": tool_id,
                    "type": "tool_result",
                    "content": content,
                    "is_error": False,
                }
            ],
        },
        "parent_tool_use_id": None,
        "session_id": session,
        "uuid": str(uuid.uuid4()),
    }


def result_line(session: str, turns: int) -> dict[str, Any]:
    return {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "duration_ms": 1000,
        "duration_api_ms": 900,
        "num_turns": turns,
        "result": "ok",
        "session_id": session,
        "total_cost_usd": 0,
        "usage": token_usage(2100 * turns, 40 * turns),
        "uuid": str(uuid.uuid4()),
    }


def dumps(line: dict[str, Any]) -> str:
    return json.dumps(line, separators=(",", ":"))


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def print_metrics(metrics: list[Metric]) -> None:
    for m in metrics:
        budget = ""
        if m.budget is not None:
            op = ">=" if m.higher_is_better else "<="
            budget = f"   (budget {op} {m.budget:g} {m.unit}, ratio {m.ratio:.2f})"
        print(f"  {m.name:<44} {m.value:>12.2f} {m.unit:<8}{budget}", flush=True)
