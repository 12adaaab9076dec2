"""Shared pieces: the figure record, percentiles, a real `podium serve` process, transcripts."""

from __future__ import annotations

import json
import os
import signal
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.support.podium_process import PodiumServer

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / ".bench"  # git-ignored; the 1M-line log and its database live here
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


def bench_server(data_dir: Path, *, claude_bin: Path, max_agents: int = 20) -> PodiumServer:
    """The test harness's `podium serve`, with settings that would change what is measured (a
    token, another database, a model call per job to pick its model) dropped and the stand-in
    CLI in place."""
    ignored = ("AUTH_TOKEN", "DB_PATH", "HOST", "ORCHESTRATOR_API_URL", "SENTRY_DSN")
    env = {k: v for k, v in os.environ.items() if k not in ignored} | {
        "CLAUDE_BIN": str(claude_bin),
        "MAX_CONCURRENT_AGENTS": str(max_agents),
        "PODIUM_AUTO_MODEL": "false",
    }
    return PodiumServer(data_dir, env, cwd=data_dir)


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
