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
    codex's own context blocks, without the script marker); a dotted suffix on a result
    (``{{result:1.job_id}}``) picks a field when the output is JSON.
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
    a 400 fails the turn. ``headers`` and ``reset_in`` as for the Anthropic stand-in
    (``retry-after`` and ``x-ratelimit-reset-requests``).

Standalone: ``python -m tests.fakes.openai_server --port 0 --scripts FILE.json`` prints
``PORT=<n>`` as its first stdout line. ``POST /_scripts/NAME`` (JSON list of steps) adds a
script at run time, ``GET /_requests`` returns the request log, ``DELETE /_requests`` clears it.
(Scripts and the streaming live in :mod:`podium.demo.scripted_http`, shared with the Anthropic
stand-in; the log, errors and these endpoints in :mod:`tests.fakes.scripted_controls`.)
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from podium.demo.scripted_http import MARKER_RE, Json, Step, chunks, fill_placeholders, new_id
from podium.demo.scripted_http import marker as marker  # re-exported: part of this API
from tests.fakes.scripted_controls import ControlledHandler, ControlledServer, run_standalone

DEFAULT_USAGE: dict[str, int] = {
    "input_tokens": 10,
    "output_tokens": 5,
    "cached_input_tokens": 0,
    "cache_write_input_tokens": 0,
    "reasoning_tokens": 0,
}
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
    return fill_placeholders(value, tool_results(items), lambda: last_prompt(items))


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


def build_output(step: Step, body: Json) -> list[Json]:
    """The output items for STEP, with fresh ids (codex dedupes by id and call_id)."""
    items = _items(body)
    tools = body.get("tools") or []
    output: list[Json] = []
    if "reasoning" in step:
        summary = str(substitute(step["reasoning"], items))
        output.append(
            {
                "id": new_id("rs"),
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": summary}],
                "encrypted_content": None,
            }
        )
    if "text" in step:
        text = str(substitute(step["text"], items))
        output.append(
            {
                "id": new_id("msg"),
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
                "id": new_id("ctc"),
                "type": "custom_tool_call",
                "status": "completed",
                "call_id": new_id("call"),
                "name": tool.name,
                "input": value if isinstance(value, str) else json.dumps(value),
            }
        else:
            item = {
                "id": new_id("fc"),
                "type": "function_call",
                "status": "completed",
                "call_id": new_id("call"),
                "name": tool.name,
                "arguments": value if isinstance(value, str) else json.dumps(value),
            }
        if tool.namespace:
            item["namespace"] = tool.namespace
        output.append(item)
    if not output:
        output.append(
            {
                "id": new_id("msg"),
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
        "id": new_id("resp"),
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
            part: Json = {"type": "summary_text", "text": ""}
            base = {"item_id": item["id"], "output_index": index, "summary_index": 0}
            yield {"type": "response.reasoning_summary_part.added", **base, "part": part}
            for piece in chunks(text):
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
            for piece in chunks(text):
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
            for piece in chunks(item[field_name]):
                yield {"type": f"{delta_type}.delta", **base, "delta": piece}
            yield {"type": f"{delta_type}.done", **base, field_name: item[field_name]}
        yield {"type": "response.output_item.done", "output_index": index, "item": item}
    yield {"type": "response.completed", "response": response}


# ---------------------------------------------------------------- the server


class _Handler(ControlledHandler):
    """The Responses API (with and without ``/v1``), plus the models list codex fetches."""

    request_id_header = "x-request-id"

    def api_get(self, path: str) -> bool:
        if path not in ("/v1/models", "/models"):
            return False
        # Both shapes: OpenAI's list and codex's own catalog; empty means "use built-ins".
        self.send_json(200, {"object": "list", "data": [], "models": []})
        return True

    def api_post(self, path: str, body: Any) -> None:
        encoding = self.headers.get("Content-Encoding", "identity")
        if encoding != "identity":
            # Codex compresses request bodies only for OpenAI itself; say so rather than 404.
            message = f"the fake cannot read Content-Encoding {encoding!r}"
            self.send_json(415, {"error": {"type": "invalid_request_error", "message": message}})
        elif path in RESPONSES_PATHS and isinstance(body, dict):
            self.answer(body)
        else:
            self.not_found()

    def not_found(self) -> None:
        error = {
            "type": "invalid_request_error",
            "code": "not_found",
            "message": f"no such endpoint: {self.path}",
        }
        self.send_json(404, {"error": error})

    def error_payload(self, error: Json) -> Json:
        return {
            "error": {
                "type": error.get("type", "server_error"),
                "code": error.get("code", error.get("type", "server_error")),
                "message": error.get("message", "scripted error"),
                "param": None,
            }
        }

    def reset_headers(self, reset_at: float) -> dict[str, str]:
        """What the OpenAI API sends with a 429: seconds until the request limit resets."""
        wait = max(0.0, reset_at - time.time())
        return super().reset_headers(reset_at) | {"x-ratelimit-reset-requests": f"{wait:.0f}s"}

    def build_reply(self, step: Step, body: Json) -> Json:
        return build_response(step, body)

    def sse_frames(self, reply: Json) -> Iterator[tuple[str, Json]]:
        for number, event in enumerate(sse_events(reply)):
            yield event["type"], {**event, "sequence_number": number}


class ScriptedOpenAI(ControlledServer):
    """The scripted Responses API server. Use as a context manager, or ``start()``/``stop()``."""

    handler_class = _Handler
    thread_name = "scripted-openai"
    api_paths = RESPONSES_PATHS

    def script_name(self, body: Json) -> str | None:
        return find_script_name(body)

    def step_index(self, body: Json) -> int:
        """The number of model turns already in ``input`` (see :func:`count_turns`)."""
        return count_turns(_items(body))

    @property
    def url(self) -> str:
        """Value for codex's ``model_providers.<id>.base_url`` (includes ``/v1``)."""
        return f"{super().url}/v1"

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


def main(argv: list[str] | None = None) -> None:
    """Run out of process; prints ``PORT=<n>`` first so the parent can connect."""
    run_standalone(ScriptedOpenAI, __doc__, argv)


if __name__ == "__main__":
    main()
