"""A provider for the in-process tier: an agent CLI that does not exist, whose output lines a
test writes itself (through `FakeProcessHost`). Its line format is small on purpose:

    {"type": "text", "text": "..."}
    {"type": "turn", "input_tokens": 10, "output_tokens": 5}   one model response
    {"type": "result", "text": "...", "is_error": false, "cost_usd": 0.01}

It is a full `Provider`, so it also shows that one is enough to run jobs."""

from __future__ import annotations

from typing import Any

from podium.agents.providers.base import (
    AgentEvent,
    InteractiveMode,
    LaunchSpec,
    ModelChoice,
    ParsedLine,
    RunResult,
    Usage,
)
from podium.agents.providers.events import usage_from


class FakeProvider:
    name = "fake"
    label = "Fake agent"
    binary = "fake-agent"
    binary_setting = "FAKE_BIN"
    catch_all = True
    enforces_turn_cap = False  # the runner counts `turn` lines and stops the run past the cap
    needs_lock_audit = False
    known_models = (ModelChoice("fake", "Fake agent"),)

    def __init__(self, usd_per_token: float = 0.0) -> None:
        self.usd_per_token = usd_per_token
        self.specs: list[LaunchSpec] = []

    @property
    def interactive(self) -> InteractiveMode | None:
        return None

    def handles(self, model: str | None) -> bool:
        return True

    def command(self, spec: LaunchSpec) -> list[str]:
        self.specs.append(spec)
        return [spec.binary, "--model", spec.model or "fake"]

    def parse_line(self, line: dict[str, Any]) -> ParsedLine:
        kind = line.get("type")
        if kind == "text":
            text = str(line.get("text", ""))
            return ParsedLine(events=[AgentEvent("text", text, {"text": text})])
        if kind == "turn":
            usage = usage_from(line, cache_read="cache_read", cache_write="cache_write")
            return ParsedLine(
                usage=usage, usage_key=str(line.get("id")), turn_completed=True, model_turns=0
            )
        if kind == "result":
            text = str(line.get("text", ""))
            cost = line.get("cost_usd")
            result = RunResult(
                text=text,
                is_error=bool(line.get("is_error")),
                subtype=str(line.get("subtype", "success")),
                cost_usd=float(cost) if cost is not None else None,
            )
            data = {"isError": result.is_error, "result": text, "costUsd": result.cost_usd}
            return ParsedLine(events=[AgentEvent("result", text, data)], result=result)
        return ParsedLine(events=[AgentEvent("raw", "", {"line": line})])

    def price(self, model: str | None, usage: Usage) -> float | None:
        return (usage.input_tokens + usage.output_tokens) * self.usd_per_token
