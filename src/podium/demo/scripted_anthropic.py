"""A scripted stand-in for the Anthropic Messages API, for driving the real Claude Code CLI.

Why: end-to-end tests and ``podium serve --demo`` run the real ``claude`` binary, which needs a
model. This server plays the model from a script, deterministically, on loopback, with no
network or key. The tests' ``tests.fakes.anthropic_server`` adds what only tests use: scripted
errors, the request log, control endpoints and running standalone.

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
    ``{{last_result}}`` the most recent tool_result, ``{{prompt}}`` the last user prompt
    (text of the last user message that is not a tool result, without system reminders and
    without the script marker); a dotted suffix on a result (``{{result:1.job_id}}``,
    ``{{last_result.answer}}``) picks a field when the result is JSON.
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
``classify`` / ``classify_delay`` (first step only)
    What Podium's model classifier is told (``"simple"``, ``"medium"``, ``"complex"``), after
    that many seconds. Calls carrying the ``x-podium-helper`` header are answered from these and
    never count as a turn of the script; without ``classify`` the answer is empty, and Podium
    leaves the job on the CLI's default model.

``stop_reason`` is ``tool_use`` when the step calls tools, else ``end_turn``.

(Scripts and the streaming live in :mod:`podium.demo.scripted_http`, shared with the tests'
OpenAI Responses stand-in.)
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from podium.demo.scripted_http import (
    MARKER_RE,
    ScriptedHandler,
    ScriptedServer,
    chunks,
    fill_placeholders,
    new_id,
)

# Re-exported (``X as X``): the demo scenario and the tests import them from here.
from podium.demo.scripted_http import Json as Json
from podium.demo.scripted_http import Step as Step
from podium.demo.scripted_http import marker as marker
from podium.jobs.classify import HELPER_HEADER

DEFAULT_USAGE: dict[str, int] = {
    "input_tokens": 10,
    "output_tokens": 5,
    "cache_read_input_tokens": 0,
    "cache_creation_input_tokens": 0,
}
MESSAGES_PATH = "/v1/messages"


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
    return fill_placeholders(value, tool_results(messages), lambda: last_prompt(messages))


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
                "id": new_id("toolu"),
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
        "id": new_id("msg"),
        "type": "message",
        "role": "assistant",
        "model": body.get("model") or "claude-sonnet-4-5",
        "content": content,
        "stop_reason": "tool_use" if has_tools else "end_turn",
        "stop_sequence": None,
        "usage": _usage(step),
    }


def _delta(index: int, delta: Json) -> Json:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def sse_events(message: Json) -> Iterator[tuple[str, Json]]:
    """The Anthropic SSE event sequence that streams MESSAGE."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for index, block in enumerate(message["content"]):
        # A block starts empty and its text (or tool input, as JSON) follows in small deltas.
        if block["type"] == "text":
            empty: Json = {"type": "text", "text": ""}
            pieces = chunks(block["text"])
            deltas = ({"type": "text_delta", "text": piece} for piece in pieces)
        else:
            empty = {**block, "input": {}}
            pieces = chunks(json.dumps(block["input"]))
            deltas = ({"type": "input_json_delta", "partial_json": piece} for piece in pieces)
        start_block = {"type": "content_block_start", "index": index, "content_block": empty}
        yield "content_block_start", start_block
        for delta in deltas:
            yield "content_block_delta", _delta(index, delta)
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


class MessagesHandler(ScriptedHandler):
    """The Messages API: ``/v1/messages`` plays the script, ``count_tokens`` estimates."""

    request_id_header = "request-id"

    def api_post(self, path: str, body: Any) -> None:
        if path == MESSAGES_PATH and isinstance(body, dict) and self.headers.get(HELPER_HEADER):
            self.answer_helper(body)
        elif path == MESSAGES_PATH and isinstance(body, dict):
            self.answer(body)
        elif path == "/v1/messages/count_tokens" and isinstance(body, dict):
            # Rough but stable: the CLI only uses it for context-size heuristics.
            self.send_json(200, {"input_tokens": max(1, len(json.dumps(body)) // 4)})
        else:
            self.not_found()

    def answer_helper(self, body: Json) -> None:
        """Podium's own calls (model classification) are answered from the script's first step
        and never count as one of its turns: an unscripted call gets an empty answer."""
        first, _, _ = self.server.owner.pick_step(body)  # a fresh conversation: step 0
        if first.get("classify_delay"):
            time.sleep(float(first["classify_delay"]))
        self.send_json(200, build_message({"text": str(first.get("classify") or "")}, body))

    def not_found(self) -> None:
        error = {"type": "not_found_error", "message": f"no such endpoint: {self.path}"}
        self.send_json(404, {"type": "error", "error": error})

    def build_reply(self, step: Step, body: Json) -> Json:
        return build_message(step, body)

    def sse_frames(self, reply: Json) -> Iterator[tuple[str, Json]]:
        return sse_events(reply)


class ScriptedAnthropic(ScriptedServer):
    """The scripted Messages API server; :attr:`url` is the value for ``ANTHROPIC_BASE_URL``.
    Use as a context manager, or ``start()``/``stop()``."""

    handler_class = MessagesHandler
    thread_name = "scripted-anthropic"

    def script_name(self, body: Json) -> str | None:
        return find_script_name(body)

    def step_index(self, body: Json) -> int:
        """The number of assistant messages already in the conversation."""
        return sum(1 for m in body.get("messages") or [] if m.get("role") == "assistant")
