"""The scripted Anthropic server driving the REAL Claude Code CLI.

Why: every e2e test trusts this fake; these tests prove the real ``claude`` binary accepts
its SSE, runs the scripted tools, resumes sessions, and reports the scripted usage.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fakes.anthropic_server import ScriptedAnthropic  # noqa: E402


def _claude_bin() -> str | None:
    candidate = os.environ.get("CLAUDE_BIN") or str(ROOT / "node_modules" / ".bin" / "claude")
    return candidate if os.path.exists(candidate) else None


CLAUDE = _claude_bin()
needs_claude = pytest.mark.skipif(
    CLAUDE is None,
    reason="real claude CLI not found: set CLAUDE_BIN or run `npm ci` for node_modules/.bin/claude",
)


@pytest.fixture
def fake() -> Iterator[ScriptedAnthropic]:
    with ScriptedAnthropic() as server:
        yield server


@pytest.fixture
def workdir(tmp_path: pathlib.Path) -> pathlib.Path:
    """A throwaway git repo to run the agent in (the CLI looks for a repo root)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def run_claude(
    fake: ScriptedAnthropic,
    cwd: pathlib.Path,
    prompt: str,
    *extra: str,
    timeout: float = 120,
) -> tuple[list[dict[str, Any]], subprocess.CompletedProcess[str]]:
    """Run the real CLI in print mode with a private HOME; returns the parsed stream-json lines."""
    assert CLAUDE is not None
    home = cwd.parent / "home"
    home.mkdir(exist_ok=True)
    # Drop the caller's own Claude/Anthropic settings so they cannot leak into the run.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ANTHROPIC_", "CLAUDE")) and k != "CLAUDECODE"
    }
    env.update(
        HOME=str(home),
        IS_SANDBOX="1",
        ANTHROPIC_BASE_URL=fake.url,
        ANTHROPIC_API_KEY="sk-test",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        DISABLE_AUTOUPDATER="1",
        NO_PROXY="127.0.0.1,localhost",
    )
    cmd = [
        CLAUDE,
        "--print",
        "--output-format",
        "stream-json",
        "--verbose",
        "--dangerously-skip-permissions",
        "--max-turns",
        "10",
        "--model",
        "claude-sonnet-4-5",
        *extra,
    ]
    proc = subprocess.run(
        cmd, input=prompt, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return lines, proc


def result_of(
    lines: list[dict[str, Any]], proc: subprocess.CompletedProcess[str]
) -> dict[str, Any]:
    results = [line for line in lines if line.get("type") == "result"]
    assert results, f"no result line; rc={proc.returncode} stderr={proc.stderr[-2000:]}"
    return results[-1]


@needs_claude
def test_one_step_text(fake: ScriptedAnthropic, workdir: pathlib.Path) -> None:
    mark = fake.add_script("hello", [{"text": "Hello from the script."}])
    lines, proc = run_claude(fake, workdir, f"Say hi {mark}")
    result = result_of(lines, proc)
    assert proc.returncode == 0, proc.stderr
    assert result["result"] == "Hello from the script."
    assert result["is_error"] is False
    assert lines[0]["type"] == "system" and lines[0]["subtype"] == "init"
    assert result["session_id"] == lines[0]["session_id"]
    # The log shows what the CLI sent: the prompt, the tools offered, a system prompt.
    sent = fake.requests_for("hello")
    assert len(sent) == 1
    assert sent[0]["stream"] is True
    assert sent[0]["model"] == "claude-sonnet-4-5"
    assert {"Bash", "Write"} <= {t["name"] for t in sent[0]["tools"]}
    assert sent[0]["system"]


@needs_claude
def test_bash_tool_result_feeds_next_step(fake: ScriptedAnthropic, workdir: pathlib.Path) -> None:
    mark = fake.add_script(
        "bash",
        [
            {"text": "Running it.", "tool": "Bash", "input": {"command": "echo hello-from-bash"}},
            {"text": "got: {{last_result}}"},
        ],
    )
    lines, proc = run_claude(fake, workdir, f"Run echo {mark}")
    result = result_of(lines, proc)
    assert proc.returncode == 0, proc.stderr
    assert "hello-from-bash" in result["result"]
    assert result["num_turns"] == 2
    tool_uses = [
        block
        for line in lines
        if line["type"] == "assistant"
        for block in line["message"]["content"]
        if block["type"] == "tool_use"
    ]
    assert [t["name"] for t in tool_uses] == ["Bash"]


@needs_claude
def test_write_tool_creates_file(fake: ScriptedAnthropic, workdir: pathlib.Path) -> None:
    target = workdir / "notes" / "out.txt"
    mark = fake.add_script(
        "write",
        [
            {"tool": "Write", "input": {"file_path": str(target), "content": "from {{prompt}}\n"}},
            {"text": "Wrote it."},
        ],
    )
    lines, proc = run_claude(fake, workdir, f"Write the file {mark}")
    assert result_of(lines, proc)["result"] == "Wrote it."
    assert target.read_text() == "from Write the file\n"


@needs_claude
def test_resume_continues_script(fake: ScriptedAnthropic, workdir: pathlib.Path) -> None:
    mark = fake.add_script(
        "resume",
        [{"text": "first answer"}, {"text": "second answer to: {{prompt}}"}],
    )
    lines, proc = run_claude(fake, workdir, f"First {mark}")
    first = result_of(lines, proc)
    assert first["result"] == "first answer"
    lines, proc = run_claude(fake, workdir, "Second question", "--resume", first["session_id"])
    second = result_of(lines, proc)
    assert proc.returncode == 0, proc.stderr
    assert second["result"] == "second answer to: Second question"
    assert second["session_id"] == first["session_id"]
    # The resumed request re-sent the whole conversation, hence step index 1.
    assert [len(body["messages"]) for body in fake.requests_for("resume")] == [1, 3]


@needs_claude
def test_usage_reaches_result(fake: ScriptedAnthropic, workdir: pathlib.Path) -> None:
    mark = fake.add_script(
        "usage",
        [
            {
                "tool": "Bash",
                "input": {"command": "true"},
                "usage": {"input_tokens": 1200, "output_tokens": 30},
            },
            {
                "text": "done",
                "usage": {
                    "input_tokens": 34,
                    "output_tokens": 12,
                    "cache_read_input_tokens": 1000,
                    "cache_creation_input_tokens": 200,
                },
            },
        ],
    )
    lines, proc = run_claude(fake, workdir, f"Count {mark}")
    result = result_of(lines, proc)
    usage = result["usage"]
    assert usage["input_tokens"] == 1234
    assert usage["output_tokens"] == 42
    assert usage["cache_read_input_tokens"] == 1000
    assert usage["cache_creation_input_tokens"] == 200
    assert result["total_cost_usd"] > 0


@needs_claude
def test_scripted_errors(fake: ScriptedAnthropic, workdir: pathlib.Path) -> None:
    """A 400 fails fast as an error result; a 529 with ``times`` is retried by the CLI."""
    bad = fake.add_script(
        "bad", [{"error": {"status": 400, "type": "invalid_request_error", "message": "nope"}}]
    )
    lines, proc = run_claude(fake, workdir, f"x {bad}")
    result = result_of(lines, proc)
    assert result["is_error"] is True
    assert "nope" in result["result"]
    flaky = fake.add_script(
        "flaky",
        [{"error": {"status": 529, "type": "overloaded_error", "times": 1}, "text": "recovered"}],
    )
    lines, proc = run_claude(fake, workdir, f"y {flaky}")
    assert result_of(lines, proc)["result"] == "recovered"
    assert any(line.get("subtype") == "api_retry" for line in lines)


@needs_claude
def test_concurrent_agents_with_a_slow_one(fake: ScriptedAnthropic, workdir: pathlib.Path) -> None:
    """A delayed reply must not hold up other agents talking to the same server."""
    fake.add_script("slow", [{"text": "slow done", "delay": 8}])
    for i in range(6):
        fake.add_script(f"fast{i}", [{"text": f"fast {i}"}])

    def agent(name: str) -> tuple[str, float]:
        repo = workdir.parent / name / "repo"
        repo.mkdir(parents=True)
        started = time.monotonic()
        lines, proc = run_claude(fake, repo, f"go [[script:{name}]]")
        return result_of(lines, proc)["result"], time.monotonic() - started

    with ThreadPoolExecutor(max_workers=7) as pool:
        slow = pool.submit(agent, "slow")
        fast = [pool.submit(agent, f"fast{i}") for i in range(6)]
        fast_results = [f.result() for f in fast]
        assert not slow.done(), "fast agents should finish while the slow one still waits"
        assert slow.result()[0] == "slow done"
    assert [r for r, _ in fast_results] == [f"fast {i}" for i in range(6)]


def test_server_out_of_process_and_control_endpoints(tmp_path: pathlib.Path) -> None:
    """Standalone mode: PORT= line, runtime scripts via POST, log via GET, non-stream replies."""
    scripts = tmp_path / "scripts.json"
    scripts.write_text(json.dumps({"pre": [{"text": "preloaded"}]}))
    module = "tests.fakes.anthropic_server"
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", "--scripts", str(scripts)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("PORT=")
        base = f"http://127.0.0.1:{first.removeprefix('PORT=')}"

        def post(path: str, payload: Any) -> Any:
            req = urllib.request.Request(
                base + path, data=json.dumps(payload).encode(), method="POST"
            )
            req.add_header("Content-Type", "application/json")
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.loads(resp.read())

        tools = [{"name": "mcp__podium__write_note"}, {"name": "Bash"}]
        added = post("/_scripts/late", [{"tool": "write_note", "input": {"n": "{{prompt}}"}}])
        assert added == {"marker": "[[script:late]]"}
        reply = post(
            "/v1/messages",
            {
                "model": "claude-haiku-4-5",
                "messages": [{"role": "user", "content": "hi [[script:late]]"}],
                "tools": tools,
            },
        )
        assert reply["model"] == "claude-haiku-4-5"
        assert reply["stop_reason"] == "tool_use"
        assert reply["content"][0]["name"] == "mcp__podium__write_note"
        assert reply["content"][0]["input"] == {"n": "hi"}
        pre = post("/v1/messages", {"messages": [{"role": "user", "content": "[[script:pre]]"}]})
        assert pre["content"] == [{"type": "text", "text": "preloaded"}]
        plain = post("/v1/messages", {"messages": [{"role": "user", "content": "title?"}]})
        assert plain["content"][0]["text"] == "OK."
        assert post("/v1/messages/count_tokens", {"messages": []})["input_tokens"] > 0
        with urllib.request.urlopen(base + "/_requests", timeout=10) as resp:
            log = json.loads(resp.read())
        assert [entry["script"] for entry in log] == ["late", "pre", None, None]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_slow_stream_does_not_block_in_process() -> None:
    """Parallel SSE requests: a delayed one must not serialise the others."""
    with ScriptedAnthropic() as server:
        server.add_script("slow", [{"text": "z", "delay": 3}])
        server.add_script("fast", [{"text": "a" * 100, "stream_delay": 0.01}])
        done: dict[str, list[float]] = {"slow": [], "fast": []}

        def call(name: str) -> None:
            body = {
                "model": "m",
                "stream": True,
                "messages": [{"role": "user", "content": f"[[script:{name}]]"}],
            }
            req = urllib.request.Request(
                server.url + "/v1/messages?beta=true", data=json.dumps(body).encode()
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read().decode()
            assert "event: message_stop" in text
            done[name].append(time.monotonic())

        threads = [threading.Thread(target=call, args=("slow",))]
        threads += [threading.Thread(target=call, args=("fast",)) for _ in range(20)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert max(done["fast"]) - start < 2.5
        assert done["slow"][0] - start >= 3
        assert len(server.requests) == 21
