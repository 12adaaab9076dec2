"""The /ws messages are one typed union: every message model the server can publish is in it
(and so in the OpenAPI document the page's socket types are generated from), the hot-path
encoding of agent output matches the model's, and `agent.updated` always carries the whole
agent, whichever part of the server published it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import podium.app  # noqa: F401 - imports every feature module, so every Message subclass exists
from podium.agents import repository
from podium.agents.service import (
    AgentOutput,
    AgentUpdated,
    StreamedEvent,
    publish_agent,
    publish_agent_stats,
)
from podium.api.messages import SERVER_MESSAGES, server_message
from podium.app import create_app
from podium.config import Settings
from podium.db.engine import Database
from podium.events import Event, EventBus, Message
from tests.support.agent_db import running_agent_db


def _subclasses(cls: type[Message]) -> Iterator[type[Message]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _type_of(model: type[Message]) -> str:
    default = model.model_fields["type"].default
    assert isinstance(default, str)
    return default


def test_every_message_model_is_in_the_union_once() -> None:
    models = set(_subclasses(Message))
    assert models == set(SERVER_MESSAGES), "a Message subclass missing from ServerMessage"
    types = [_type_of(model) for model in SERVER_MESSAGES]
    assert len(types) == len(set(types)), "two message models share a type"


def test_the_openapi_document_carries_the_union(tmp_path: Path) -> None:
    document = create_app(Settings(data_dir=tmp_path)).openapi()
    schemas = document["components"]["schemas"]
    union = schemas["ServerMessage"]
    mapping = union["discriminator"]["mapping"]
    assert set(mapping) == {_type_of(model) for model in SERVER_MESSAGES}
    for ref in mapping.values():
        name = ref.rsplit("/", 1)[-1]
        assert {"type", "data", "ts"} <= set(schemas[name]["required"]), name
    assert "/api/ws/schema" in document["paths"]
    terminal = schemas["TerminalMessage"]["discriminator"]["mapping"]
    assert set(terminal) == {"hello", "activity", "exit"}


def test_agent_output_wire_is_the_model_serialisation() -> None:
    events: list[StreamedEvent] = [
        {"seq": 1, "kind": "text", "ts": 1.5, "data": {"text": "hi", "nested": {"a": [1, None]}}},
        {"seq": 2, "kind": "tool_use", "ts": 2.0, "data": {}},
    ]
    message = AgentOutput.of("ag_1", "job_1", events)
    wire = json.loads(message.wire())
    validated = server_message.validate_python(wire)
    assert isinstance(validated, AgentOutput)
    assert json.loads(validated.model_dump_json(by_alias=True)) == wire
    assert wire["data"] == {"agentId": "ag_1", "jobId": "job_1", "events": events}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = running_agent_db(tmp_path)
    yield database
    database.dispose()


def test_agent_updated_is_the_whole_agent_from_every_publisher(db: Database) -> None:
    bus = EventBus()
    seen: list[Event] = []

    def record(event: Event) -> bool:
        seen.append(event)
        return False

    bus.subscribe(record)

    publish_agent(bus, db, "ag_1")  # e.g. the runner after launch
    with db.write() as conn:
        repository.update_fields(conn, "ag_1", activity="busy")
    publish_agent(bus, db, "ag_1")  # e.g. an interactive agent's hook
    # Ingest stored new stats: they merge into the retained agent, activity and all.
    publish_agent_stats(bus, db, "ag_1", {"num_turns": 3, "cost_usd": 0.25})
    with db.write() as conn:
        repository.update_fields(conn, "ag_1", status="exited", exit_code=0, num_turns=3)
    publish_agent(bus, db, "ag_1")  # the runner at exit

    assert all(isinstance(event.message, AgentUpdated) for event in seen)
    shapes = [json.loads(event.wire)["data"] for event in seen]
    assert len({frozenset(shape) for shape in shapes}) == 1, "one shape"
    assert [(s["status"], s["activity"], s["numTurns"]) for s in shapes] == [
        ("running", None, 0),
        ("running", "busy", 0),
        ("running", "busy", 3),
        ("exited", "busy", 3),
    ]
    assert shapes[2]["costUsd"] == 0.25
    assert bus.retained("agent.updated:ag_1") is None, "an exited agent is not retained"
