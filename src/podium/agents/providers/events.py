"""Event and usage builders every provider shares, so a tool call or a token count reads the
same whichever CLI produced it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from podium.agents.providers.base import AgentEvent, Usage

TOOL_RESULT_LIMIT = 20_000
TOOL_INPUT_SUMMARY = 2000


def tool_use(item_id: Any, name: str, tool_input: Any) -> AgentEvent:
    data = {"id": item_id, "name": name, "input": tool_input}
    summary = f"{name} {orjson.dumps(tool_input).decode()[:TOOL_INPUT_SUMMARY]}"
    return AgentEvent("tool_use", summary, data)


def tool_result(item_id: Any, text: str, is_error: bool, **extra: Any) -> AgentEvent:
    text = text[:TOOL_RESULT_LIMIT]
    data = {"toolUseId": item_id, "content": text, "isError": is_error, **extra}
    return AgentEvent("tool_result", text, data)


def usage_from(raw: Mapping[str, Any] | None, *, cache_read: str, cache_write: str) -> Usage | None:
    """A CLI's usage object as Usage; the CLIs differ only in the cache fields' names."""
    if not raw:
        return None
    return Usage(
        input_tokens=int(raw.get("input_tokens") or 0),
        output_tokens=int(raw.get("output_tokens") or 0),
        cache_read_tokens=int(raw.get(cache_read) or 0),
        cache_write_tokens=int(raw.get(cache_write) or 0),
    )
