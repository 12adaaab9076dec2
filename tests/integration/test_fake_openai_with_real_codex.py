"""The scripted OpenAI server driving the REAL Codex CLI, launched exactly as Podium launches it.

Why: every codex e2e test trusts this fake, and Podium trusts `CodexProvider.command()` and
`parse_line()`. These tests run the real ``codex`` binary with the provider's argv, the prompt
on stdin from a file and stdout into a log file (as `podium.agents.process.spawn` does), then
check both the raw JSON lines and the typed events the provider makes of them.
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
from dataclasses import replace
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from podium.agents.providers.base import AgentEvent, LaunchSpec, ParsedLine, Usage  # noqa: E402
from podium.agents.providers.codex import CodexProvider  # noqa: E402
from tests.fakes.openai_server import ScriptedOpenAI, count_turns  # noqa: E402

MODEL = "codex-gpt-5.3-codex"  # a model with an explicit id: the CLI default sends no `tools`
PROVIDER = CodexProvider()


def _codex_bin() -> str | None:
    candidate = os.environ.get("CODEX_BIN") or str(ROOT / "node_modules" / ".bin" / "codex")
    return candidate if os.path.exists(candidate) else None


CODEX = _codex_bin()
needs_codex = pytest.mark.skipif(
    CODEX is None,
    reason="real codex CLI not found: set CODEX_BIN or run `npm ci` for node_modules/.bin/codex",
)


@pytest.fixture
def fake() -> Iterator[ScriptedOpenAI]:
    with ScriptedOpenAI() as server:
        yield server


@pytest.fixture
def workdir(tmp_path: pathlib.Path) -> pathlib.Path:
    """A throwaway git repo to run the agent in, next to a private CODEX_HOME."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (tmp_path / "codex-home").mkdir()
    return repo


def make_spec(fake: ScriptedOpenAI, workdir: pathlib.Path, **overrides: Any) -> LaunchSpec:
    assert CODEX is not None
    spec = LaunchSpec(
        agent_id="ag_test",
        job_id="job_test",
        binary=CODEX,
        work_dir=workdir,
        model=MODEL,
        system_prompt="You are a Podium test agent.",
        max_turns=5,
        openai_base_url=fake.url,
    )
    return replace(spec, **overrides)


class Run:
    """One finished codex run: raw lines, the provider's parse of each, the process."""

    def __init__(self, lines: list[dict[str, Any]], proc: subprocess.CompletedProcess[str]):
        self.lines = lines
        self.proc = proc
        self.parsed: list[ParsedLine] = [PROVIDER.parse_line(line) for line in lines]

    def events(self, kind: str | None = None) -> list[AgentEvent]:
        return [e for p in self.parsed for e in p.events if kind is None or e.kind == kind]

    def items(self, item_type: str) -> list[dict[str, Any]]:
        return [
            line["item"]
            for line in self.lines
            if line["type"] == "item.completed" and line["item"]["type"] == item_type
        ]

    @property
    def thread_id(self) -> str:
        ids = [p.session_id for p in self.parsed if p.session_id]
        assert ids, (
            f"no thread.started; rc={self.proc.returncode} stderr={self.proc.stderr[-2000:]}"
        )
        return ids[0]

    @property
    def result(self) -> Any:
        """The RunResult the stream would end with: the last one assigned."""
        results = [p.result for p in self.parsed if p.result is not None]
        assert results, f"no result; rc={self.proc.returncode} stderr={self.proc.stderr[-2000:]}"
        return results[-1]

    @property
    def usage(self) -> Usage:
        """Usage summed the way the stream sums it (once per usage_key)."""
        total, seen = Usage(), set()
        for p in self.parsed:
            if p.usage is not None and p.usage_key not in seen:
                seen.add(p.usage_key)
                total.add(p.usage)
        return total


def run_codex(
    spec: LaunchSpec, prompt: str, *, timeout: float = 120, env_extra: dict[str, str] | None = None
) -> Run:
    """Run the provider's argv like Podium: stdin from the prompt file, stdout to a log file."""
    home = spec.work_dir.parent / "codex-home"
    logs = spec.work_dir.parent / "logs"
    logs.mkdir(exist_ok=True)
    n = len(list(logs.glob("*.prompt")))
    prompt_file, log_file = logs / f"{n}.prompt", logs / f"{n}.ndjson"
    prompt_file.write_text(prompt, encoding="utf-8")
    # Drop the caller's own Codex/OpenAI settings so they cannot leak into the run.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CODEX_"))}
    env.update(CODEX_HOME=str(home), OPENAI_API_KEY="sk-test", NO_PROXY="127.0.0.1,localhost")
    env.update(env_extra or {})
    with prompt_file.open("rb") as stdin, log_file.open("wb") as stdout:
        proc = subprocess.run(
            PROVIDER.command(spec),
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            cwd=spec.work_dir,
            env=env,
            text=True,
            timeout=timeout,
        )
    completed = subprocess.CompletedProcess(proc.args, proc.returncode, "", proc.stderr)
    text = log_file.read_text(encoding="utf-8")
    return Run([json.loads(line) for line in text.splitlines() if line.strip()], completed)


def _input_texts(body: dict[str, Any], role: str) -> list[str]:
    return [
        part.get("text", "")
        for item in body["input"]
        if item.get("type") == "message" and item.get("role") == role
        for part in item.get("content") or []
    ]


# ---------------------------------------------------------------- real codex


@needs_codex
def test_text_only_script(fake: ScriptedOpenAI, workdir: pathlib.Path) -> None:
    usage = {
        "input_tokens": 1234,
        "output_tokens": 56,
        "cached_input_tokens": 1000,
        "reasoning_tokens": 7,
    }
    mark = fake.add_script("hello", [{"text": "Hello from the script.", "usage": usage}])
    system_prompt = 'Sys "quoted" \\ back\nline two\ttab \u00e9\u4e2d \U0001f600 end'
    spec = make_spec(fake, workdir, system_prompt=system_prompt)
    prompt = f"Say hi {mark}\nsecond line with 'quotes' and \"more\""
    run = run_codex(spec, prompt)
    assert run.proc.returncode == 0, run.proc.stderr

    # Raw lines: the final agent_message and the scripted usage.
    assert [i["text"] for i in run.items("agent_message")] == ["Hello from the script."]
    completed = [line for line in run.lines if line["type"] == "turn.completed"]
    assert len(completed) == 1
    assert completed[0]["usage"]["input_tokens"] == 1234
    assert completed[0]["usage"]["output_tokens"] == 56
    assert completed[0]["usage"]["cached_input_tokens"] == 1000
    assert completed[0]["usage"]["reasoning_output_tokens"] == 7

    # Typed events.
    assert run.events()[0].kind == "init"
    assert run.thread_id == run.lines[0]["thread_id"]
    assert [e.text for e in run.events("text")] == ["Hello from the script."]
    assert not run.events("error")  # the "model metadata not found" warning is a system event
    result = run.result
    assert (result.text, result.is_error, result.subtype) == (
        "Hello from the script.",
        False,
        "success",
    )
    assert run.usage == Usage(input_tokens=1234, output_tokens=56, cache_read_tokens=1000)
    assert [p.turn_completed for p in run.parsed if p.usage] == [True]
    assert PROVIDER.price(MODEL, run.usage) is not None

    # What codex sent: the stdin prompt verbatim, the system prompt as a developer message.
    sent = fake.requests_for("hello")
    assert len(sent) == 1
    assert sent[0]["stream"] is True
    assert sent[0]["model"] == "gpt-5.3-codex"
    assert prompt in _input_texts(sent[0], "user")
    assert system_prompt in _input_texts(sent[0], "developer")
    assert "exec_command" in {t.get("name") for t in sent[0]["tools"]}
    headers = {k.lower(): v for k, v in fake.log[0].headers.items()}
    assert headers["authorization"] == "Bearer sk-test"


@needs_codex
def test_exec_command_result_feeds_next_step(fake: ScriptedOpenAI, workdir: pathlib.Path) -> None:
    mark = fake.add_script(
        "shell",
        [
            {
                "text": "Running it.",
                "tool": "exec_command",
                "input": {"cmd": "echo hi-from-codex"},
            },
            {"text": "got {{last_result}}"},
        ],
    )
    run = run_codex(make_spec(fake, workdir), f"Run echo {mark}")
    assert run.proc.returncode == 0, run.proc.stderr
    messages = [i["text"] for i in run.items("agent_message")]
    assert messages[0] == "Running it."
    assert messages[-1].startswith("got ") and "hi-from-codex" in messages[-1]
    assert [r.step for r in fake.log if r.script == "shell"] == [0, 1]

    uses, results = run.events("tool_use"), run.events("tool_result")
    assert len(uses) == len(results) == 1
    assert uses[0].data["name"] == "exec_command"
    assert "echo hi-from-codex" in uses[0].data["input"]["cmd"]
    assert results[0].data["toolUseId"] == uses[0].data["id"]
    assert results[0].data["content"] == "hi-from-codex\n"
    assert results[0].data["isError"] is False and results[0].data["exitCode"] == 0
    kinds = [e.kind for e in run.events() if e.kind in ("text", "tool_use", "tool_result")]
    assert kinds == ["text", "tool_use", "tool_result", "text"]
    assert run.result.text == messages[-1]
    # Two model requests, one codex turn: usage is the turn's total of the default 10/5 each.
    assert run.usage == Usage(input_tokens=20, output_tokens=10)


@needs_codex
def test_resume_continues_script(fake: ScriptedOpenAI, workdir: pathlib.Path) -> None:
    mark = fake.add_script(
        "resume",
        [
            {"text": "first answer", "usage": {"input_tokens": 100, "output_tokens": 10}},
            {
                "text": "second answer to: {{prompt}}",
                "usage": {"input_tokens": 200, "output_tokens": 20},
            },
        ],
    )
    first = run_codex(make_spec(fake, workdir), f"First {mark}")
    assert first.result.text == "first answer"
    spec = make_spec(fake, workdir, resume_session_id=first.thread_id)
    assert spec.resume_session_id is not None
    argv = PROVIDER.command(spec)
    assert argv[-3:] == ["resume", spec.resume_session_id, "-"]
    second = run_codex(spec, "Second question")
    assert second.proc.returncode == 0, second.proc.stderr
    assert second.result.text == "second answer to: Second question"
    assert second.thread_id == first.thread_id
    # The resumed request re-sent the conversation, hence step index 1.
    assert [r.step for r in fake.log if r.script == "resume"] == [0, 1]
    assert count_turns(fake.requests_for("resume")[-1]["input"]) == 1
    # Codex reports the THREAD's running total, earlier runs included.
    assert first.usage == Usage(input_tokens=100, output_tokens=10)
    assert second.usage == Usage(input_tokens=300, output_tokens=30)


@needs_codex
def test_api_error_fails_the_turn(fake: ScriptedOpenAI, workdir: pathlib.Path) -> None:
    mark = fake.add_script(
        "bad", [{"error": {"status": 400, "type": "invalid_request_error", "message": "nope"}}]
    )
    run = run_codex(make_spec(fake, workdir), f"x {mark}")
    assert run.proc.returncode != 0
    assert any(line["type"] == "turn.failed" for line in run.lines)
    result = run.result
    assert result.is_error is True and result.text == "nope"
    assert [e.text for e in run.events("error")] == ["nope"]


@needs_codex
def test_server_retry_is_invisible(fake: ScriptedOpenAI, workdir: pathlib.Path) -> None:
    """A 500 with ``times`` is retried by codex itself; only the recovered answer shows."""
    mark = fake.add_script(
        "flaky", [{"error": {"status": 500, "message": "boom", "times": 1}, "text": "recovered"}]
    )
    run = run_codex(make_spec(fake, workdir), f"y {mark}")
    assert run.proc.returncode == 0, run.proc.stderr
    assert run.result.text == "recovered" and run.result.is_error is False
    assert [r.step for r in fake.log if r.script == "flaky"] == [0, 0]


@needs_codex
def test_reasoning_and_parallel_calls(fake: ScriptedOpenAI, workdir: pathlib.Path) -> None:
    mark = fake.add_script(
        "par",
        [
            {
                "reasoning": "Two commands at once.",
                "tools": [
                    {"tool": "exec_command", "input": {"cmd": "echo one"}},
                    {"tool": "exec_command", "input": {"cmd": "exit 3"}},
                ],
            },
            {"text": "first={{result:1}}"},
        ],
    )
    run = run_codex(make_spec(fake, workdir), f"go {mark}")
    assert run.proc.returncode == 0, run.proc.stderr
    assert [e.text for e in run.events("thinking")] == ["Two commands at once."]
    results = run.events("tool_result")
    assert sorted((r.data["exitCode"], r.data["isError"]) for r in results) == [
        (0, False),
        (3, True),
    ]
    assert "one" in run.result.text
    # Both calls and both outputs belong to step 0; the next request is step 1, not 2.
    assert [r.step for r in fake.log if r.script == "par"] == [0, 1]


def _start_mcp_server() -> tuple[Any, threading.Thread, int, list[dict[str, str]]]:
    """A tiny real MCP server (streamable HTTP) that records each request's headers."""
    uvicorn = pytest.importorskip("uvicorn")
    mcpserver = pytest.importorskip("mcp.server.mcpserver")
    server = mcpserver.MCPServer("podium")

    @server.tool()
    def write_note(text: str) -> str:
        """Store a note."""
        return f"noted: {text}"

    app = server.streamable_http_app()
    headers: list[dict[str, str]] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers.append({k.decode().lower(): v.decode() for k, v in scope["headers"]})
        await app(scope, receive, send)

    config = uvicorn.Config(recording, host="127.0.0.1", port=0, log_level="warning")
    uv_server = uvicorn.Server(config)
    thread = threading.Thread(target=uv_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not (uv_server.started and uv_server.servers):
        assert time.monotonic() < deadline, "MCP server did not start"
        time.sleep(0.05)
    port = uv_server.servers[0].sockets[0].getsockname()[1]
    return uv_server, thread, port, headers


@needs_codex
def test_mcp_tool_through_namespace(fake: ScriptedOpenAI, workdir: pathlib.Path) -> None:
    """The provider's MCP flags reach a real MCP server; the fake finds the namespaced tool."""
    uv_server, thread, port, headers = _start_mcp_server()
    try:
        mark = fake.add_script(
            "mcp",
            [
                {"tool": "write_note", "input": {"text": "hi {{prompt}}"}},
                {"text": "{{last_result}}"},
            ],
        )
        spec = make_spec(
            fake,
            workdir,
            mcp_url=f"http://127.0.0.1:{port}/mcp",
            # Claude's header template: codex ignores it and uses bearer_token_env_var.
            mcp_headers={"Authorization": "Bearer ${PODIUM_AGENT_TOKEN}"},
        )
        run = run_codex(spec, f"note {mark}", env_extra={"PODIUM_AGENT_TOKEN": "tok-123"})
    finally:
        uv_server.should_exit = True
        thread.join(timeout=10)
    assert run.proc.returncode == 0, run.proc.stderr
    sent = fake.requests_for("mcp")
    namespaces = [t for t in sent[0]["tools"] if t.get("type") == "namespace"]
    assert any(t["name"] == "mcp__podium" for t in namespaces)
    call = next(i for i in sent[1]["input"] if i.get("type") == "function_call")
    assert (call["namespace"], call["name"]) == ("mcp__podium", "write_note")
    use, result = run.events("tool_use")[0], run.events("tool_result")[0]
    assert use.data["name"] == "podium.write_note"
    assert use.data["input"] == {"text": "hi note"}
    assert result.data["content"] == "noted: hi note" and result.data["isError"] is False
    assert "noted: hi note" in (run.result.text or "")
    assert headers and all(h.get("authorization") == "Bearer tok-123" for h in headers)
    assert "tok-123" not in " ".join(PROVIDER.command(spec))  # not on the command line


# ---------------------------------------------------------------- the fake on its own


def _post(base: str, path: str, payload: Any) -> Any:
    req = urllib.request.Request(base + path, data=json.dumps(payload).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


NAMESPACED_TOOLS = [
    {"type": "function", "name": "exec_command", "parameters": {}},
    {
        "type": "namespace",
        "name": "mcp__podium",
        "tools": [
            {"type": "function", "name": "write_note", "parameters": {}},
            {"type": "function", "name": "wait_for_job", "parameters": {}},
        ],
    },
    {"type": "custom", "name": "apply_patch"},
    {"type": "web_search"},
]


def test_namespace_tool_resolution() -> None:
    """A step naming an MCP tool gets a function_call with the namespace and inner name."""
    with ScriptedOpenAI() as server:
        server.add_script(
            "ns",
            [
                {
                    "tools": [
                        {"tool": "write_note", "input": {"n": "{{prompt}}"}},
                        {"tool": "mcp__podium__wait_for_job", "input": {}},
                        {"tool": "exec_command", "input": {"cmd": "ls"}},
                        {"tool": "apply_patch", "input": "*** Begin Patch\n*** End Patch\n"},
                        {"tool": "unknown_tool", "input": {}},
                    ]
                }
            ],
        )
        body = {"model": "gpt-5.3-codex", "input": [_user("hi [[script:ns]]")]}
        reply = _post(server.url.removesuffix("/v1"), "/v1/responses", body | {"tools": []})
        assert reply["output"][0]["name"] == "write_note" and "namespace" not in reply["output"][0]
        reply = _post(
            server.url.removesuffix("/v1"), "/v1/responses", body | {"tools": NAMESPACED_TOOLS}
        )
        calls = reply["output"]
        assert [(c["type"], c.get("namespace"), c["name"]) for c in calls] == [
            ("function_call", "mcp__podium", "write_note"),
            ("function_call", "mcp__podium", "wait_for_job"),
            ("function_call", None, "exec_command"),
            ("custom_tool_call", None, "apply_patch"),
            ("function_call", None, "unknown_tool"),
        ]
        assert json.loads(calls[0]["arguments"]) == {"n": "hi"}
        assert calls[3]["input"] == "*** Begin Patch\n*** End Patch\n"
        assert len({c["call_id"] for c in calls}) == len(calls)

        # Streamed, the same call arrives in output_item.done and response.completed.
        req = urllib.request.Request(
            server.url + "/responses",
            data=json.dumps(body | {"tools": NAMESPACED_TOOLS, "stream": True}).encode(),
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read().decode()
        events = [
            json.loads(line.removeprefix("data: "))
            for line in raw.splitlines()
            if line.startswith("data: ")
        ]
        assert events[0]["type"] == "response.created"
        assert events[-1]["type"] == "response.completed"
        assert [e["sequence_number"] for e in events] == list(range(len(events)))
        done = [e["item"] for e in events if e["type"] == "response.output_item.done"]
        assert (done[0]["namespace"], done[0]["name"]) == ("mcp__podium", "write_note")
        assert events[-1]["response"]["output"] == done


def test_step_index_counts_model_turns() -> None:
    """Text+call in one response, parallel calls, outputs after them: one turn each."""

    def call(call_id: str) -> list[dict[str, Any]]:
        return [
            {"type": "function_call", "call_id": call_id, "name": "exec_command"},
        ]

    def output(call_id: str) -> dict[str, Any]:
        return {"type": "function_call_output", "call_id": call_id, "output": "x"}

    assistant = {"type": "message", "role": "assistant", "content": []}
    developer = {"type": "message", "role": "developer", "content": []}
    items = [developer, _user("go")]
    assert count_turns(items) == 0
    items += [assistant, *call("a"), output("a")]
    assert count_turns(items) == 1
    items += [
        {"type": "reasoning", "summary": []},
        *call("b"),
        *call("c"),
        output("b"),
        output("c"),
    ]
    assert count_turns(items) == 2
    items += [assistant]
    assert count_turns(items) == 3
    items += [_user("again"), assistant]
    assert count_turns(items) == 4


def test_server_out_of_process_and_control_endpoints(tmp_path: pathlib.Path) -> None:
    """Standalone mode: PORT= line, runtime scripts via POST, log via GET, non-stream replies."""
    scripts = tmp_path / "scripts.json"
    scripts.write_text(json.dumps({"pre": [{"text": "preloaded"}]}))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.openai_server",
            "--port",
            "0",
            "--scripts",
            str(scripts),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("PORT=")
        base = f"http://127.0.0.1:{first.removeprefix('PORT=')}"
        added = _post(
            base, "/_scripts/late", [{"text": "late: {{prompt}}", "usage": {"input_tokens": 7}}]
        )
        assert added == {"marker": "[[script:late]]"}
        reply = _post(base, "/v1/responses", {"model": "gpt-5", "input": "hi [[script:late]]"})
        assert reply["model"] == "gpt-5"
        assert reply["output"][0]["content"][0]["text"] == "late: hi"
        assert reply["usage"]["input_tokens"] == 7
        pre = _post(base, "/v1/responses", {"input": [_user("[[script:pre]]")]})
        assert pre["output"][0]["content"][0]["text"] == "preloaded"
        plain = _post(base, "/v1/responses", {"input": [_user("no marker")]})
        assert plain["output"][0]["content"][0]["text"] == "OK."
        with urllib.request.urlopen(base + "/_requests", timeout=10) as resp:
            log = json.loads(resp.read())
        assert [(entry["script"], entry["step"]) for entry in log] == [
            ("late", 0),
            ("pre", 0),
            (None, None),
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_slow_stream_does_not_block_in_process() -> None:
    """Parallel SSE requests: a delayed one must not serialise the others."""
    with ScriptedOpenAI() as server:
        server.add_script("slow", [{"text": "z", "delay": 3}])
        server.add_script("fast", [{"text": "a" * 100, "stream_delay": 0.01}])
        done: dict[str, list[float]] = {"slow": [], "fast": []}

        def call(name: str) -> None:
            body = {"model": "m", "stream": True, "input": [_user(f"[[script:{name}]]")]}
            req = urllib.request.Request(server.url + "/responses", data=json.dumps(body).encode())
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read().decode()
            assert "event: response.completed" in text
            done[name].append(time.monotonic())

        threads = [threading.Thread(target=call, args=("slow",))]
        threads += [threading.Thread(target=call, args=("fast",)) for _ in range(20)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(done["fast"]) == 20
        assert max(done["fast"]) - start < 2.5
        assert done["slow"][0] - start >= 3
        assert len(server.requests) == 21
