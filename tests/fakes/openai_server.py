"""A scripted stand-in for the OpenAI Responses API, for driving the real Codex CLI.

Why: end-to-end tests run the real ``codex`` binary, which needs a model. This server plays
the model from a script, deterministically, on loopback, with no network or key.

Point codex at it with ``-c`` overrides (codex ignores ``OPENAI_BASE_URL``)::

    -c model_provider=fake -c 'model_providers.fake.name="fake"'
    -c 'model_providers.fake.base_url="<server.url>"'   # ends in /v1
    -c 'model_providers.fake.env_key="OPENAI_API_KEY"'  # and OPENAI_API_KEY=anything in env
    -c 'model_providers.fake.wire_api="responses"'
    -c 'model_providers.fake.supports_websockets=false'

(:meth:`ScriptedOpenAI.codex_args` returns these.)

How a request is answered:

* **Which script**: the marker ``[[script:NAME]]`` (see :meth:`ScriptedOpenAI.add_script`)
  found in the text of the request's user messages (``input`` items with role ``user``),
  first match wins. A request with no marker gets a short ``"OK."``.
* **Which step**: stateless: the step index is the number of model turns already in the
  request's ``input``. A model turn is a run of assistant output items (assistant
  ``message``, ``function_call``, ``custom_tool_call``, ``reasoning``) that is not broken by a
  user/developer message or a tool output (codex files all of a response's items, then
  their outputs). Retries are idempotent and
  ``codex exec resume`` (which re-sends the whole conversation plus a new prompt) simply
  continues the script. Past the end of the script the reply is ``"(script finished)"``.

A step is a dict with any of these keys:

``text``
    An assistant message. Substitutions (also applied to string values inside tool inputs):
    ``{{result:N}}`` is the output of the N-th ``function_call_output`` (or
    ``custom_tool_call_output``) in the request (1-based), ``{{last_result}}`` the most recent
    one, ``{{prompt}}`` the last user prompt (text of the last user message that is not one of
    codex's own context blocks, without the script marker).
``reasoning``
    A reasoning item with this summary text, sent before the message (codex shows it as a
    ``reasoning`` item).
``tool`` + ``input``
    A tool call. ``tool`` is matched against the request's ``tools``: an exact top-level name
    first, then an exact name inside a ``namespace`` tool (MCP servers arrive as
    ``{"type": "namespace", "name": "mcp__podium", "tools": [...]}``: the call then carries
    ``"namespace": "mcp__podium"`` and the inner name), then a top-level or namespaced name
    ending with it, else it is used as is. A ``function`` tool gets a ``function_call`` whose
    ``arguments`` is ``input`` as a JSON string (codex's shell tool is ``exec_command`` with
    ``{"cmd": "..."}``); a ``custom`` (freeform) tool such as ``apply_patch`` gets a
    ``custom_tool_call`` whose ``input`` must be a string.
``tools``
    A list of ``{"tool": ..., "input": ...}`` for several parallel tool calls in one step.
``delay`` / ``stream_delay``
    Seconds to sleep before answering / between SSE events (only this request waits).
``usage``
    ``{"input_tokens", "output_tokens", "cached_input_tokens", "cache_write_input_tokens",
    "reasoning_tokens"}``, reported in ``response.completed`` as OpenAI does: cached and
    cache-write tokens are part of ``input_tokens``, reasoning tokens part of ``output_tokens``.
    Codex's ``turn.completed`` reports the thread's running total of these, same names
    (``reasoning_output_tokens`` for reasoning).
``error``
    ``{"status": 500, "type": "server_error", "message": "...", "times": N}``: answer with an
    HTTP error instead. With ``times`` only the first N requests reaching this step fail (to
    test retries); without it every one does. Codex retries 429/5xx itself (with backoff);
    a 400 fails the turn.

Standalone: ``python -m tests.fakes.openai_server --port 0 --scripts FILE.json`` prints
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
SUBST_RE = re.compile(r"\{\{(result:(\d+)|last_result|prompt)\}\}")
DEFAULT_USAGE: dict[str, int] = {
    "input_tokens": 10,
    "output_tokens": 5,
    "cached_input_tokens": 0,
    "cache_write_input_tokens": 0,
    "reasoning_tokens": 0,
}
DEFAULT_REPLY: Step = {"text": "OK.", "usage": {"input_tokens": 1, "output_tokens": 1}}
FINISHED_REPLY: Step = {"text": "(script finished)"}
CHUNK = 24  # characters per text/arguments delta: small enough that the CLI sees real streaming
DEFAULT_MODEL = "gpt-5.3-codex"
RESPONSES_PATHS = ("/v1/responses", "/responses")

# Items the model produced; everything else in ``input`` came from the user or from tools.
_MODEL_ITEMS = {
    "function_call",
    "custom_tool_call",
    "local_shell_call",
    "web_search_call",
    "tool_search_call",
    "reasoning",
}
_OUTPUT_ITEMS = {"function_call_output", "custom_tool_call_output", "local_shell_call_output"}
# Codex sends its own context as user messages; these are not "the prompt".
_CONTEXT_PREFIXES = (
    "<environment_context>",
    "<user_instructions>",
    "<permissions",
    "<skills_instructions>",
    "<turn_aborted>",
    "# AGENTS.md instructions",
)


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


def _items(body: Json) -> list[Json]:
    """The request's ``input`` as a list of item dicts (a bare string is one user message)."""
    raw = body.get("input")
    if isinstance(raw, str):
        return [{"type": "message", "role": "user", "content": raw}]
    return [item for item in raw or [] if isinstance(item, dict)]


def _content_text(content: Any) -> str:
    """Text of a message/tool-output ``content``: a string or a list of text parts."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    if isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
    return "\n".join(parts)


def _is_message(item: Json, role: str) -> bool:
    return item.get("type", "message") == "message" and item.get("role") == role


def _user_texts(items: list[Json]) -> Iterator[str]:
    """Text of each user message, tool outputs excluded (they may echo anything)."""
    for item in items:
        if _is_message(item, "user"):
            yield _content_text(item.get("content"))


def find_script_name(body: Json) -> str | None:
    """First ``[[script:NAME]]`` marker in the user messages' text, if any."""
    for text in _user_texts(_items(body)):
        match = MARKER_RE.search(text)
        if match:
            return match.group(1)
    return None


def tool_results(items: list[Json]) -> list[str]:
    """Outputs of all tool calls, in conversation order."""
    return [_content_text(i.get("output")) for i in items if i.get("type") in _OUTPUT_ITEMS]


def last_prompt(items: list[Json]) -> str:
    """Text of the last user message that carries a prompt rather than codex's own context."""
    for item in reversed(items):
        if not _is_message(item, "user"):
            continue
        content = item.get("content")
        parts = content if isinstance(content, list) else [{"text": _content_text(content)}]
        texts = [
            str(part.get("text", ""))
            for part in parts
            if isinstance(part, dict)
            and not str(part.get("text", "")).lstrip().startswith(_CONTEXT_PREFIXES)
        ]
        text = MARKER_RE.sub("", "\n".join(texts)).strip()
        if text:
            return text
    return ""


def count_turns(items: list[Json]) -> int:
    """How many model turns (responses) the conversation already holds.

    Codex files every item of one response together (message, reasoning, all its calls) and
    only then the calls' outputs, so a maximal run of model items is one turn; tool outputs
    and user/developer messages end a run."""
    turns = 0
    in_turn = False
    for item in items:
        kind = item.get("type", "message")
        is_model = kind in _MODEL_ITEMS or (kind == "message" and item.get("role") == "assistant")
        if is_model and not in_turn:
            turns += 1
        in_turn = is_model
    return turns


def substitute(value: Any, items: list[Json]) -> Any:
    """Apply ``{{result:N}}``/``{{last_result}}``/``{{prompt}}`` to strings, recursively."""
    if isinstance(value, dict):
        return {k: substitute(v, items) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, items) for v in value]
    if not isinstance(value, str) or "{{" not in value:
        return value
    results = tool_results(items)

    def repl(match: re.Match[str]) -> str:
        if match.group(2):
            index = int(match.group(2)) - 1
            return results[index] if 0 <= index < len(results) else ""
        if match.group(1) == "last_result":
            return results[-1] if results else ""
        return last_prompt(items)

    return SUBST_RE.sub(repl, value)


@dataclass(frozen=True)
class ResolvedTool:
    """Where a scripted tool name landed: its wire name, namespace and kind."""

    name: str
    namespace: str | None = None
    kind: str = "function"  # "function" or "custom"


def _offered(tools: list[Json]) -> Iterator[ResolvedTool]:
    """Every callable tool in the request: top-level ones, then those inside namespaces."""
    for tool in tools:
        if not isinstance(tool, dict) or not tool.get("name"):
            continue
        if tool.get("type") == "namespace":
            continue
        yield ResolvedTool(str(tool["name"]), None, str(tool.get("type") or "function"))
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") == "namespace":
            for inner in tool.get("tools") or []:
                if isinstance(inner, dict) and inner.get("name"):
                    kind = str(inner.get("type") or "function")
                    yield ResolvedTool(str(inner["name"]), str(tool.get("name")), kind)


def resolve_tool(name: str, tools: list[Json]) -> ResolvedTool:
    """Exact name (top level, then inside a namespace), else the first offered tool whose
    (possibly namespace-qualified) name ends with NAME, else NAME as a plain function."""
    offered = list(_offered(tools))
    for tool in offered:
        if tool.name == name:
            return tool
    for tool in offered:
        qualified = f"{tool.namespace}__{tool.name}" if tool.namespace else tool.name
        if qualified == name or qualified.endswith(name) or tool.name.endswith(name):
            return tool
    return ResolvedTool(name)


# ---------------------------------------------------------------- building the reply


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def build_output(step: Step, body: Json) -> list[Json]:
    """The output items for STEP, with fresh ids (codex dedupes by id and call_id)."""
    items = _items(body)
    tools = body.get("tools") or []
    output: list[Json] = []
    if "reasoning" in step:
        summary = str(substitute(step["reasoning"], items))
        output.append(
            {
                "id": _new_id("rs"),
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": summary}],
                "encrypted_content": None,
            }
        )
    if "text" in step:
        text = str(substitute(step["text"], items))
        output.append(
            {
                "id": _new_id("msg"),
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        )
    calls: list[Json] = list(step.get("tools") or [])
    if "tool" in step:
        calls.insert(0, {"tool": step["tool"], "input": step.get("input", {})})
    for call in calls:
        tool = resolve_tool(str(call["tool"]), tools)
        value = substitute(call.get("input", {}), items)
        if tool.kind == "custom":
            item: Json = {
                "id": _new_id("ctc"),
                "type": "custom_tool_call",
                "status": "completed",
                "call_id": _new_id("call"),
                "name": tool.name,
                "input": value if isinstance(value, str) else json.dumps(value),
            }
        else:
            item = {
                "id": _new_id("fc"),
                "type": "function_call",
                "status": "completed",
                "call_id": _new_id("call"),
                "name": tool.name,
                "arguments": value if isinstance(value, str) else json.dumps(value),
            }
        if tool.namespace:
            item["namespace"] = tool.namespace
        output.append(item)
    if not output:
        output.append(
            {
                "id": _new_id("msg"),
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "", "annotations": []}],
            }
        )
    return output


def _usage(step: Step) -> Json:
    """The step's usage over the defaults, in the Responses API's nested shape."""
    raw = {**DEFAULT_USAGE, **(step.get("usage") or {})}
    input_tokens = int(raw["input_tokens"])
    output_tokens = int(raw["output_tokens"])
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {
            "cached_tokens": int(raw["cached_input_tokens"]),
            "cache_write_tokens": int(raw["cache_write_input_tokens"]),
        },
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": int(raw["reasoning_tokens"])},
        "total_tokens": input_tokens + output_tokens,
    }


def build_response(step: Step, body: Json) -> Json:
    """A complete (non-streamed) Responses API object for STEP."""
    return {
        "id": _new_id("resp"),
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "model": body.get("model") or DEFAULT_MODEL,
        "output": build_output(step, body),
        "parallel_tool_calls": bool(body.get("parallel_tool_calls", True)),
        "usage": _usage(step),
    }


def _chunks(text: str) -> list[str]:
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def sse_events(response: Json) -> Iterator[Json]:
    """The Responses API SSE event sequence that streams RESPONSE (each has its ``type``)."""
    pending = {**response, "status": "in_progress", "output": [], "usage": None}
    yield {"type": "response.created", "response": pending}
    yield {"type": "response.in_progress", "response": pending}
    for index, item in enumerate(response["output"]):
        kind = item["type"]
        if kind == "reasoning":
            text = item["summary"][0]["text"]
            yield {
                "type": "response.output_item.added",
                "output_index": index,
                "item": {**item, "summary": []},
            }
            part = {"type": "summary_text", "text": ""}
            base = {"item_id": item["id"], "output_index": index, "summary_index": 0}
            yield {"type": "response.reasoning_summary_part.added", **base, "part": part}
            for piece in _chunks(text):
                yield {"type": "response.reasoning_summary_text.delta", **base, "delta": piece}
            yield {"type": "response.reasoning_summary_text.done", **base, "text": text}
            yield {
                "type": "response.reasoning_summary_part.done",
                **base,
                "part": {**part, "text": text},
            }
        elif kind == "message":
            text = item["content"][0]["text"]
            yield {
                "type": "response.output_item.added",
                "output_index": index,
                "item": {**item, "status": "in_progress", "content": []},
            }
            part = {"type": "output_text", "text": "", "annotations": []}
            base = {"item_id": item["id"], "output_index": index, "content_index": 0}
            yield {"type": "response.content_part.added", **base, "part": part}
            for piece in _chunks(text):
                yield {"type": "response.output_text.delta", **base, "delta": piece}
            yield {"type": "response.output_text.done", **base, "text": text}
            yield {"type": "response.content_part.done", **base, "part": {**part, "text": text}}
        else:
            field_name = "arguments" if kind == "function_call" else "input"
            yield {
                "type": "response.output_item.added",
                "output_index": index,
                "item": {**item, "status": "in_progress", field_name: ""},
            }
            delta_type = (
                "response.function_call_arguments"
                if kind == "function_call"
                else "response.custom_tool_call_input"
            )
            base = {"item_id": item["id"], "output_index": index}
            for piece in _chunks(item[field_name]):
                yield {"type": f"{delta_type}.delta", **base, "delta": piece}
            yield {"type": f"{delta_type}.done", **base, field_name: item[field_name]}
        yield {"type": "response.output_item.done", "output_index": index, "item": item}
    yield {"type": "response.completed", "response": response}


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
        self.send_header("x-request-id", _new_id("req"))
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
        elif path in ("/v1/models", "/models"):
            self._record("GET", None)
            # Both shapes: OpenAI's list and codex's own catalog; empty means "use built-ins".
            self._send_json(200, {"object": "list", "data": [], "models": []})
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
        encoding = self.headers.get("Content-Encoding", "identity")
        if encoding != "identity":
            # Codex compresses request bodies only for OpenAI itself; say so rather than 404.
            message = f"the fake cannot read Content-Encoding {encoding!r}"
            self._send_json(415, {"error": {"type": "invalid_request_error", "message": message}})
        elif path in RESPONSES_PATHS and isinstance(body, dict):
            self._responses(body, entry)
        else:
            self._not_found()

    def _not_found(self) -> None:
        error = {
            "type": "invalid_request_error",
            "code": "not_found",
            "message": f"no such endpoint: {self.path}",
        }
        self._send_json(404, {"error": error})

    def _responses(self, body: Json, entry: RecordedRequest) -> None:
        owner = self.server.owner
        step, entry.script, entry.step = owner.pick_step(body)
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        error = step.get("error")
        if error and owner.should_fail(entry.script, entry.step, error):
            status = int(error.get("status", 500))
            payload = {
                "error": {
                    "type": error.get("type", "server_error"),
                    "code": error.get("code", error.get("type", "server_error")),
                    "message": error.get("message", "scripted error"),
                    "param": None,
                }
            }
            self._send_json(status, payload)
            return
        response = build_response(step, body)
        if not body.get("stream"):
            self._send_json(200, response)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-request-id", _new_id("req"))
        self.end_headers()
        pause = float(step.get("stream_delay") or 0)
        try:
            for number, event in enumerate(sse_events(response)):
                data = json.dumps({**event, "sequence_number": number})
                self._send_chunk(f"event: {event['type']}\ndata: {data}\n\n".encode())
                if pause:
                    time.sleep(pause)
            self._send_chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. the agent was killed)


class _Server(ThreadingHTTPServer):
    """One thread per connection, so a delayed reply never holds up other agents."""

    daemon_threads = True
    request_queue_size = 128  # ~20 CLIs connect at once; the default backlog of 5 drops SYNs

    def __init__(self, port: int, owner: ScriptedOpenAI) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.owner = owner


class ScriptedOpenAI:
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
    def start(self) -> ScriptedOpenAI:
        if self._server is None:
            self._server = _Server(self._port, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="scripted-openai",
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

    def __enter__(self) -> ScriptedOpenAI:
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
        """Value for codex's ``model_providers.<id>.base_url`` (includes ``/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def codex_args(self, provider: str = "fake") -> list[str]:
        """The ``-c`` overrides that point the codex CLI at this server."""
        prefix = f"model_providers.{provider}"
        return [
            "-c",
            f"model_provider={json.dumps(provider)}",
            "-c",
            f"{prefix}.name={json.dumps(provider)}",
            "-c",
            f"{prefix}.base_url={json.dumps(self.url)}",
            "-c",
            f'{prefix}.env_key="OPENAI_API_KEY"',
            "-c",
            f'{prefix}.wire_api="responses"',
            "-c",
            f"{prefix}.supports_websockets=false",
        ]

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
        """(step, script name, step index) for a /v1/responses request body."""
        name = find_script_name(body)
        with self._lock:
            steps = self._scripts.get(name) if name else None
        if steps is None:
            return DEFAULT_REPLY, name, None
        index = count_turns(_items(body))
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
        """Bodies of the ``POST /v1/responses`` requests, oldest first (a snapshot)."""
        return [
            r.body
            for r in self.log
            if r.method == "POST" and urlsplit(r.path).path in RESPONSES_PATHS
        ]

    def requests_for(self, name: str) -> list[Json]:
        """Bodies of the /v1/responses requests that followed script NAME."""
        return [
            r.body
            for r in self.log
            if r.script == name and urlsplit(r.path).path in RESPONSES_PATHS
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
    server = ScriptedOpenAI(args.port, scripts).start()
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
