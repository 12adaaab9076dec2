"""A scripted stand-in for the Anthropic Messages API, for driving the real Claude Code CLI.

Why: end-to-end tests and ``podium serve --demo`` run the real ``claude`` binary, which needs a
model. This server plays the model from a script, deterministically, on loopback, with no
network or key. (The tests import it as ``tests.fakes.anthropic_server``, a re-export.)

How a request is answered:

* **Which script**: the marker ``[[script:NAME]]`` (see :meth:`ScriptedAnthropic.add_script`)
  found in the text of the request's user messages, first match wins. A request with no
  marker (Claude Code's side requests, unscripted prompts) gets a short ``"OK."``.
* **Which step**: stateless: the step index is the number of assistant messages already in
  the request's ``messages``. So retries are idempotent and ``--resume`` (which re-sends the
  whole conversation plus a new prompt) simply continues the script. Past the end of the
  script the reply is the text ``"(script finished)"``.

A step is a dict with any of these keys:

``text``
    A text block. Substitutions (also applied to string values inside tool inputs):
    ``{{result:N}}`` is the text of the N-th tool_result in the request (1-based),
    ``{{last_result}}`` the most recent tool_result, ``{{prompt}}`` the last user prompt; a
    dotted suffix (``{{result:1.job_id}}``) picks a field when the result is JSON;
    (text of the last user message that is not a tool result, without system reminders
    and without the script marker).
``tool`` + ``input``
    A tool_use block. ``tool`` is matched against the names in the request's ``tools``:
    exact match first, else the first name ending with it (``write_note`` picks
    ``mcp__podium__write_note``), else used as is.
``tools``
    A list of ``{"tool": ..., "input": ...}`` for several parallel tool calls in one step.
``delay`` / ``stream_delay``
    Seconds to sleep before answering / between SSE events (only this request waits).
``usage``
    ``{"input_tokens", "output_tokens", "cache_read_input_tokens",
    "cache_creation_input_tokens"}``, reported in ``message_start`` and ``message_delta``.
``error``
    ``{"status": 529, "type": "overloaded_error", "message": "...", "times": N}``: answer
    with an HTTP error instead. With ``times`` only the first N requests reaching this step
    fail (to test retries); without it every one does. Claude Code retries 429/5xx/529
    itself; a 400 ``invalid_request_error`` fails fast.

``stop_reason`` is ``tool_use`` when the step calls tools, else ``end_turn``.

Standalone: ``python -m podium.demo.scripted_anthropic --port 0 --scripts FILE.json`` prints
``PORT=<n>`` as its first stdout line. ``POST /_scripts/NAME`` (JSON list of steps) adds a
script at run time, ``GET /_requests`` returns the request log, ``DELETE /_requests`` clears it.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

Step = dict[str, Any]
Json = dict[str, Any]

MARKER_RE = re.compile(r"\[\[script:([A-Za-z0-9_.\-]+)\]\]")
SUBST_RE = re.compile(r"\{\{(result:(\d+)|last_result|prompt)((?:\.[A-Za-z0-9_]+)*)\}\}")
DEFAULT_USAGE: dict[str, int] = {
    "input_tokens": 10,
    "output_tokens": 5,
    "cache_read_input_tokens": 0,
    "cache_creation_input_tokens": 0,
}
DEFAULT_REPLY: Step = {"text": "OK.", "usage": {"input_tokens": 1, "output_tokens": 1}}
FINISHED_REPLY: Step = {"text": "(script finished)"}
CHUNK = 24  # characters per text/json delta: small enough that the CLI sees real streaming


def marker(name: str) -> str:
    """The string to put in a prompt so that requests of that conversation follow script NAME."""
    return f"[[script:{name}]]"


@dataclass
class RecordedRequest:
    """One request as received; the log lets tests assert on what the CLI really sent."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    script: str | None = None
    step: int | None = None
    at: float = field(default_factory=time.time)

    def to_json(self) -> Json:
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "body": self.body,
            "script": self.script,
            "step": self.step,
            "at": self.at,
        }


# ---------------------------------------------------------------- reading the conversation


def _block_text(content: Any, *, skip_reminders: bool = False) -> str:
    """Text of a message/tool_result ``content`` (string or list of blocks)."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    if isinstance(content, list):
        for block in content:
            if isinstance(block, dict) and block.get("type") == "text":
                text = str(block.get("text", ""))
                if skip_reminders and text.lstrip().startswith("<system-reminder>"):
                    continue
                parts.append(text)
    return "\n".join(parts)


def _user_texts(messages: list[Json]) -> Iterator[str]:
    """Text of each user message, tool results excluded (they may echo anything)."""
    for message in messages:
        if message.get("role") == "user":
            yield _block_text(message.get("content"))


def find_script_name(body: Json) -> str | None:
    """First ``[[script:NAME]]`` marker in the user messages' text, if any."""
    for text in _user_texts(body.get("messages") or []):
        match = MARKER_RE.search(text)
        if match:
            return match.group(1)
    return None


def tool_results(messages: list[Json]) -> list[str]:
    """Texts of all tool_result blocks, in conversation order."""
    results: list[str] = []
    for message in messages:
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, list):
            continue
        for block in content:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                results.append(_block_text(block.get("content")))
    return results


def last_prompt(messages: list[Json]) -> str:
    """Text of the last user message that carries a prompt rather than tool results."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        text = MARKER_RE.sub("", _block_text(message.get("content"), skip_reminders=True))
        if text.strip():
            return text.strip()
    return ""


def substitute(value: Any, messages: list[Json]) -> Any:
    """Apply ``{{result:N}}``/``{{last_result}}``/``{{prompt}}`` to strings, recursively."""
    if isinstance(value, dict):
        return {k: substitute(v, messages) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, messages) for v in value]
    if not isinstance(value, str) or "{{" not in value:
        return value
    results = tool_results(messages)

    def repl(match: re.Match[str]) -> str:
        if match.group(2):
            index = int(match.group(2)) - 1
            text = results[index] if 0 <= index < len(results) else ""
        elif match.group(1) == "last_result":
            text = results[-1] if results else ""
        else:
            return last_prompt(messages)
        return json_field(text, match.group(3)) if match.group(3) else text

    return SUBST_RE.sub(repl, value)


def json_field(text: str, path: str) -> str:
    """``{{result:1.job_id}}``: a field of a tool result that is JSON (MCP tools answer so)."""
    try:
        value: Any = json.loads(text)
    except ValueError:
        return ""
    for part in path.strip(".").split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return ""
    return value if isinstance(value, str) else json.dumps(value)


def resolve_tool(name: str, tools: list[Json]) -> str:
    """Exact tool name, else the first offered tool ending with NAME (MCP prefixes), else NAME."""
    names = [str(t.get("name")) for t in tools if isinstance(t, dict) and t.get("name")]
    if name in names:
        return name
    return next((n for n in names if n.endswith(name)), name)


# ---------------------------------------------------------------- building the reply


def build_content(step: Step, body: Json) -> list[Json]:
    """The assistant content blocks for STEP, with fresh ids (the CLI loops on reused ids)."""
    messages = body.get("messages") or []
    tools = body.get("tools") or []
    content: list[Json] = []
    if "text" in step:
        content.append({"type": "text", "text": str(substitute(step["text"], messages))})
    calls: list[Json] = list(step.get("tools") or [])
    if "tool" in step:
        calls.insert(0, {"tool": step["tool"], "input": step.get("input", {})})
    for call in calls:
        content.append(
            {
                "type": "tool_use",
                "id": f"toolu_{uuid.uuid4().hex}",
                "name": resolve_tool(str(call["tool"]), tools),
                "input": substitute(call.get("input") or {}, messages),
            }
        )
    if not content:
        content.append({"type": "text", "text": ""})
    return content


def _usage(step: Step) -> Json:
    """The step's usage over the defaults, with the 5m/1h cache split the real API reports."""
    usage: Json = {**DEFAULT_USAGE, **(step.get("usage") or {})}
    usage.setdefault(
        "cache_creation",
        {
            "ephemeral_5m_input_tokens": usage["cache_creation_input_tokens"],
            "ephemeral_1h_input_tokens": 0,
        },
    )
    usage.setdefault("service_tier", "standard")
    return usage


def build_message(step: Step, body: Json) -> Json:
    """A complete (non-streamed) Messages API response for STEP."""
    content = build_content(step, body)
    has_tools = any(block["type"] == "tool_use" for block in content)
    return {
        "id": f"msg_{uuid.uuid4().hex}",
        "type": "message",
        "role": "assistant",
        "model": body.get("model") or "claude-sonnet-4-5",
        "content": content,
        "stop_reason": "tool_use" if has_tools else "end_turn",
        "stop_sequence": None,
        "usage": _usage(step),
    }


def _chunks(text: str) -> list[str]:
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def sse_events(message: Json) -> Iterator[tuple[str, Json]]:
    """The Anthropic SSE event sequence that streams MESSAGE."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": index,
                    "content_block": {"type": "text", "text": ""},
                },
            )
            for piece in _chunks(block["text"]):
                delta = {"type": "text_delta", "text": piece}
                yield (
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": index,
                        "delta": delta,
                    },
                )
        else:
            yield (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": index,
                    "content_block": {**block, "input": {}},
                },
            )
            for piece in _chunks(json.dumps(block["input"])):
                delta = {"type": "input_json_delta", "partial_json": piece}
                yield (
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": index,
                        "delta": delta,
                    },
                )
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            # Full usage here too: SDK versions differ in which event they take each field from.
            "usage": usage,
        },
    )
    yield "message_stop", {"type": "message_stop"}


# ---------------------------------------------------------------- the server


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; SSE is sent chunked so connections can be reused."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: test output should show the test, not the access log."""

    # -- plumbing
    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", f"req_{uuid.uuid4().hex}")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _record(self, method: str, body: Any) -> RecordedRequest:
        entry = RecordedRequest(method, self.path, dict(self.headers.items()), body)
        self.server.owner._record(entry)
        return entry

    # -- verbs
    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/_requests":
            self._send_json(200, [r.to_json() for r in self.server.owner.log])
        elif path == "/_scripts":
            self._send_json(200, self.server.owner.scripts)
        else:
            self._record("GET", None)
            self._not_found()

    def do_DELETE(self) -> None:
        if urlsplit(self.path).path == "/_requests":
            self.server.owner.clear_requests()
            self._send_json(200, {"ok": True})
        else:
            self._not_found()

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._read_body()
        if path.startswith("/_scripts/"):
            if not isinstance(body, list):
                self._send_json(400, {"error": "body must be a JSON list of steps"})
                return
            name = path.removeprefix("/_scripts/")
            self._send_json(200, {"marker": self.server.owner.add_script(name, body)})
            return
        entry = self._record("POST", body)
        if path == "/v1/messages" and isinstance(body, dict):
            self._messages(body, entry)
        elif path == "/v1/messages/count_tokens" and isinstance(body, dict):
            # Rough but stable: the CLI only uses it for context-size heuristics.
            self._send_json(200, {"input_tokens": max(1, len(json.dumps(body)) // 4)})
        else:
            self._not_found()

    def _not_found(self) -> None:
        error = {"type": "not_found_error", "message": f"no such endpoint: {self.path}"}
        self._send_json(404, {"type": "error", "error": error})

    def _messages(self, body: Json, entry: RecordedRequest) -> None:
        owner = self.server.owner
        step, entry.script, entry.step = owner.pick_step(body)
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        error = step.get("error")
        if error and owner.should_fail(entry.script, entry.step, error):
            status = int(error.get("status", 500))
            payload = {
                "type": "error",
                "error": {
                    "type": error.get("type", "api_error"),
                    "message": error.get("message", "scripted error"),
                },
            }
            self._send_json(status, payload)
            return
        message = build_message(step, body)
        if not body.get("stream"):
            self._send_json(200, message)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", f"req_{uuid.uuid4().hex}")
        self.end_headers()
        pause = float(step.get("stream_delay") or 0)
        try:
            for event, data in sse_events(message):
                self._send_chunk(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                if pause:
                    time.sleep(pause)
            self._send_chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. the agent was killed)


class _Server(ThreadingHTTPServer):
    """One thread per connection, so a delayed reply never holds up other agents."""

    daemon_threads = True
    request_queue_size = 128  # ~20 CLIs connect at once; the default backlog of 5 drops SYNs

    def __init__(self, port: int, owner: ScriptedAnthropic) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.owner = owner


class ScriptedAnthropic:
    """The scripted model server. Use as a context manager, or ``start()``/``stop()``."""

    def __init__(self, port: int = 0, scripts: dict[str, list[Step]] | None = None) -> None:
        self._port = port
        self._lock = threading.Lock()
        self._scripts: dict[str, list[Step]] = {}
        self._log: list[RecordedRequest] = []
        self._failures: dict[tuple[str | None, int | None], int] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for name, steps in (scripts or {}).items():
            self.add_script(name, steps)

    # -- lifecycle
    def start(self) -> ScriptedAnthropic:
        if self._server is None:
            self._server = _Server(self._port, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="scripted-anthropic",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ScriptedAnthropic:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Value for ``ANTHROPIC_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}"

    # -- scripts
    def add_script(self, name: str, steps: list[Step]) -> str:
        """Register (or replace) script NAME; returns the marker to embed in the prompt."""
        if not MARKER_RE.fullmatch(marker(name)):
            raise ValueError(f"script name must match [A-Za-z0-9_.-]+: {name!r}")
        with self._lock:
            self._scripts[name] = copy.deepcopy(list(steps))
        return marker(name)

    @property
    def scripts(self) -> dict[str, list[Step]]:
        with self._lock:
            return copy.deepcopy(self._scripts)

    def pick_step(self, body: Json) -> tuple[Step, str | None, int | None]:
        """(step, script name, step index) for a /v1/messages request body."""
        name = find_script_name(body)
        with self._lock:
            steps = self._scripts.get(name) if name else None
        if steps is None:
            return DEFAULT_REPLY, name, None
        index = sum(1 for m in body.get("messages") or [] if m.get("role") == "assistant")
        return (steps[index] if index < len(steps) else FINISHED_REPLY), name, index

    def should_fail(self, name: str | None, index: int | None, error: Json) -> bool:
        """Whether a step's scripted error applies to this request (``times`` counts down)."""
        if "times" not in error:
            return True
        with self._lock:
            seen = self._failures.get((name, index), 0)
            self._failures[(name, index)] = seen + 1
        return seen < int(error["times"])

    # -- request log
    def _record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    @property
    def log(self) -> list[RecordedRequest]:
        """Every request received on the API paths, oldest first (a snapshot)."""
        with self._lock:
            return list(self._log)

    @property
    def requests(self) -> list[Json]:
        """Bodies of the ``POST /v1/messages`` requests, oldest first (a snapshot)."""
        return [
            r.body
            for r in self.log
            if r.method == "POST" and urlsplit(r.path).path == "/v1/messages"
        ]

    def requests_for(self, name: str) -> list[Json]:
        """Bodies of the /v1/messages requests that followed script NAME."""
        return [
            r.body for r in self.log if r.script == name and urlsplit(r.path).path == "/v1/messages"
        ]

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()


def main(argv: list[str] | None = None) -> None:
    """Run out of process; prints ``PORT=<n>`` first so the parent can connect."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--scripts", help="JSON file: {name: [step, ...]}")
    args = parser.parse_args(argv)
    scripts: dict[str, list[Step]] = {}
    if args.scripts:
        with open(args.scripts, encoding="utf-8") as f:
            scripts = json.load(f)
    server = ScriptedAnthropic(args.port, scripts).start()
    print(f"PORT={server.port}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
