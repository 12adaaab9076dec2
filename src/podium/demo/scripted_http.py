"""What the scripted model servers share: scripts, the request log, the HTTP and SSE plumbing.

Why: :mod:`podium.demo.scripted_anthropic` (Messages API, for Claude Code) and the tests'
``tests.fakes.openai_server`` (Responses API, for codex) differ only in the wire format. Both
pick a script by the ``[[script:NAME]]`` marker in the user's text and a step by how many model
turns the conversation already holds and stream SSE chunked over keep-alive connections. An API
module subclasses :class:`ScriptedHandler` (its routes and payload shapes) and
:class:`ScriptedServer` (how a request names its script and step).

This is what ``podium serve --demo`` needs. What only tests use (the request log, scripted
errors, control endpoints, running standalone) is layered on in ``tests/fakes/``, through the
:meth:`ScriptedHandler.intercept` hook.

Substitutions in step text and tool inputs: ``{{result:N}}`` is the N-th tool result of the
conversation (1-based), ``{{last_result}}`` the latest, ``{{prompt}}`` the last user prompt; a
dotted suffix on a result (``{{result:1.job_id}}``) picks a field when the result is JSON.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

Step = dict[str, Any]
Json = dict[str, Any]

MARKER_RE = re.compile(r"\[\[script:([A-Za-z0-9_.\-]+)\]\]")
SUBST_RE = re.compile(r"\{\{(result:(\d+)|last_result|prompt)((?:\.[A-Za-z0-9_]+)*)\}\}")
DEFAULT_REPLY: Step = {"text": "OK.", "usage": {"input_tokens": 1, "output_tokens": 1}}
FINISHED_REPLY: Step = {"text": "(script finished)"}
CHUNK = 24  # characters per streamed delta: small enough that the CLI sees real streaming


def marker(name: str) -> str:
    """The string to put in a prompt so that requests of that conversation follow script NAME."""
    return f"[[script:{name}]]"


def new_id(prefix: str) -> str:
    """A fresh id: the CLIs dedupe (or loop) on reused message and call ids."""
    return f"{prefix}_{uuid.uuid4().hex}"


def chunks(text: str) -> list[str]:
    """TEXT as CHUNK-sized deltas; an empty text is one empty delta, so its block still streams."""
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


# ---------------------------------------------------------------- substitutions


def fill_placeholders(value: Any, results: Sequence[str], prompt: Callable[[], str]) -> Any:
    """Apply ``{{result:N}}``/``{{last_result}}``/``{{prompt}}`` to strings, recursively.

    RESULTS are the conversation's tool results in order; PROMPT is only called when needed."""
    if isinstance(value, dict):
        return {k: fill_placeholders(v, results, prompt) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v, results, prompt) for v in value]
    if not isinstance(value, str) or "{{" not in value:
        return value

    def repl(match: re.Match[str]) -> str:
        if match.group(2):
            index = int(match.group(2)) - 1
            text = results[index] if 0 <= index < len(results) else ""
        elif match.group(1) == "last_result":
            text = results[-1] if results else ""
        else:
            return prompt()
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


# ---------------------------------------------------------------- HTTP


class ScriptedHandler(BaseHTTPRequestHandler, ABC):
    """HTTP/1.1 with keep-alive; SSE is sent chunked so connections can be reused.

    A subclass routes the API (:meth:`api_post`, :meth:`api_get`) and shapes its replies and
    SSE events."""

    protocol_version = "HTTP/1.1"
    request_id_header: ClassVar[str] = "request-id"
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: test output should show the test, not the access log."""

    # -- the API's hooks
    @abstractmethod
    def api_post(self, path: str, body: Any) -> None:
        """Answer a POST to PATH; the model endpoint calls :meth:`answer`."""

    def api_get(self, path: str) -> bool:
        """Answer a GET to PATH; False means there is no such endpoint."""
        return False

    @abstractmethod
    def not_found(self) -> None:
        """Send the API's 404."""

    @abstractmethod
    def build_reply(self, step: Step, body: Json) -> Json:
        """The complete (non-streamed) reply that plays STEP for request BODY."""

    @abstractmethod
    def sse_frames(self, reply: Json) -> Iterable[tuple[str, Json]]:
        """The ``(event, data)`` pairs that stream REPLY."""

    # -- answering from the script
    def answer(self, body: Json) -> None:
        """Play the step BODY has reached: its delay, then its reply (unless intercepted)."""
        step, script, index = self.server.owner.pick_step(body)
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        if self.intercept(step, script, index):
            return
        reply = self.build_reply(step, body)
        if body.get("stream"):
            self._stream(self.sse_frames(reply), float(step.get("stream_delay") or 0))
        else:
            self.send_json(200, reply)

    def intercept(self, step: Step, script: str | None, index: int | None) -> bool:
        """Called with the step a request reached, before its reply; True means this request is
        answered already. The demo plays every step; the tests' servers log the step here and
        answer a scripted ``error``."""
        return False

    def _stream(self, frames: Iterable[tuple[str, Json]], pause: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header(self.request_id_header, new_id("req"))
        self.end_headers()
        try:
            for event, data in frames:
                self._send_chunk(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                if pause:
                    time.sleep(pause)
            self._send_chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. the agent was killed)

    # -- plumbing
    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header(self.request_id_header, new_id("req"))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    # -- verbs
    def do_GET(self) -> None:
        if not self.api_get(urlsplit(self.path).path):
            self.not_found()

    def do_POST(self) -> None:
        self.api_post(urlsplit(self.path).path, self._read_body())


class _HTTPServer(ThreadingHTTPServer):
    """One thread per connection, so a delayed reply never holds up other agents."""

    daemon_threads = True
    request_queue_size = 128  # ~20 CLIs connect at once; the default backlog of 5 drops SYNs

    def __init__(self, port: int, owner: ScriptedServer) -> None:
        super().__init__(("127.0.0.1", port), owner.handler_class)
        self.owner = owner


# ---------------------------------------------------------------- the server


class ScriptedServer(ABC):
    """A scripted model server. Use as a context manager, or ``start()``/``stop()``.

    A subclass names its handler and its thread, and says how a request names its script and
    step."""

    handler_class: ClassVar[type[ScriptedHandler]]
    thread_name: ClassVar[str]

    def __init__(self, port: int = 0, scripts: dict[str, list[Step]] | None = None) -> None:
        self._port = port
        self._lock = threading.Lock()
        self._scripts: dict[str, list[Step]] = {}
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        for name, steps in (scripts or {}).items():
            self.add_script(name, steps)

    # -- the API's hooks
    @abstractmethod
    def script_name(self, body: Json) -> str | None:
        """The first script marker in the user's text of request BODY, if any."""

    @abstractmethod
    def step_index(self, body: Json) -> int:
        """How many model turns BODY already holds: stateless, so retries and resumes (which
        re-send the whole conversation) land on the right step."""

    # -- lifecycle
    def start(self) -> Self:
        if self._server is None:
            self._server = _HTTPServer(self._port, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=self.thread_name,
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

    def __enter__(self) -> Self:
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
        """The base URL to give the CLI."""
        return f"http://127.0.0.1:{self.port}"

    # -- scripts
    def add_script(self, name: str, steps: list[Step]) -> str:
        """Register (or replace) script NAME; returns the marker to embed in the prompt."""
        if not MARKER_RE.fullmatch(marker(name)):
            raise ValueError(f"script name must match [A-Za-z0-9_.-]+: {name!r}")
        with self._lock:
            self._scripts[name] = copy.deepcopy(list(steps))
        return marker(name)

    def pick_step(self, body: Json) -> tuple[Step, str | None, int | None]:
        """(step, script name, step index) for a model request body."""
        name = self.script_name(body)
        with self._lock:
            steps = self._scripts.get(name) if name else None
        if steps is None:
            return DEFAULT_REPLY, name, None
        index = self.step_index(body)
        return (steps[index] if index < len(steps) else FINISHED_REPLY), name, index
