"""What every integration shares: its errors and the cap on how much one answer may hold."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from podium.errors import PodiumError


class IntegrationNotConfigured(PodiumError):
    status_code = 409
    code = "not_configured"

    def __init__(self, tool: str, needs: str) -> None:
        super().__init__(f"{tool} is not configured on this Podium server: set {needs}")


class IntegrationFailed(PodiumError):
    status_code = 502
    code = "integration_failed"


def jsonable(value: Any) -> Any:
    """A value from a hosted service or a database, in a shape JSON can carry."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return str(value)


def size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


def fit_list(result: dict[str, Any], key: str, max_chars: int) -> dict[str, Any]:
    """Drop items from the end of result[key] until the whole result fits in max_chars, so one
    big answer cannot flood an agent's context; `truncated` says when anything was dropped."""
    items: list[Any] = result[key]
    budget = max_chars - size({**result, key: [], "truncated": True})
    kept: list[Any] = []
    for item in items:
        budget -= size(item) + 2
        if budget < 0:
            break
        kept.append(item)
    if len(kept) < len(items):
        return {**result, key: kept, "truncated": True}
    return result


def fit_text(text: str, max_chars: int) -> str:
    """The tail of text within max_chars (the end of a log is where the failure is)."""
    if len(text) <= max_chars:
        return text
    return f"[… {len(text) - max_chars} earlier characters cut]\n" + text[-max_chars:]
