"""Every message the server sends on /ws, as one discriminated union (`ServerMessage`), and
the JSON messages of an interactive agent's terminal socket (`TerminalMessage`).

The bus's messages live next to their features' models (jobs/schemas.py, agents/service.py,
...); the few only /ws sends (the snapshot, an agent's backlog, errors, pong) are here. The union
is exported into the OpenAPI document (`openapi_with_messages`) and served as JSON Schema at
`GET /api/ws/schema`, so the page's socket types are generated from the same models the server
publishes."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import ConfigDict, Field, TypeAdapter

from podium.agents.service import Agent, AgentOutput, AgentUpdated, OutputEvent
from podium.appsettings.service import AppSettings, SettingsUpdated
from podium.coordination.lock_audit import LockViolation
from podium.coordination.locks import LockAcquired, LockReleased
from podium.coordination.notes import NoteDeleted, NoteUpdated
from podium.coordination.questions import QuestionAnswered, QuestionCreated, QuestionExpired
from podium.coordination.status import JobStatusReported
from podium.events import Message
from podium.jobs.gates import QueueUpdated
from podium.jobs.schemas import Job, JobDeleted, JobUpdated
from podium.projects.service import (
    ProjectDeleted,
    ProjectUpdated,
    TemplateDeleted,
    TemplateUpdated,
)
from podium.schemas import ApiModel


class SnapshotData(ApiModel):
    jobs: list[Job]
    jobs_total: int
    settings: AppSettings
    live_agents: int
    # Live agents as `agent.updated` describes them, so cards know them before their next update.
    agents: list[Agent]


class Snapshot(Message):
    """Sent first on every connection: a client replaces what it knew with this."""

    type: Literal["snapshot"] = "snapshot"
    data: SnapshotData


class AgentBacklogData(ApiModel):
    agent_id: str
    events: list[OutputEvent]


class AgentBacklog(Message):
    """The answer to a `subscribe`: the agent's stored output after the client's `after`."""

    type: Literal["agent.backlog"] = "agent.backlog"
    data: AgentBacklogData


class ErrorData(ApiModel):
    message: str


class ErrorMessage(Message):
    type: Literal["error"] = "error"
    data: ErrorData


class PongData(ApiModel):
    pass


class Pong(Message):
    type: Literal["pong"] = "pong"
    data: PongData = Field(default_factory=PongData)


ServerMessage = Annotated[
    Snapshot
    | AgentBacklog
    | ErrorMessage
    | Pong
    | JobUpdated
    | JobDeleted
    | JobStatusReported
    | AgentUpdated
    | AgentOutput
    | ProjectUpdated
    | ProjectDeleted
    | TemplateUpdated
    | TemplateDeleted
    | QuestionCreated
    | QuestionAnswered
    | QuestionExpired
    | NoteUpdated
    | NoteDeleted
    | LockAcquired
    | LockReleased
    | LockViolation
    | SettingsUpdated
    | QueueUpdated,
    Field(discriminator="type"),
]

server_message = TypeAdapter[Any](ServerMessage)


class _TerminalMessageBase(ApiModel):
    """/ws/terminal/{agentId} sends flat JSON text frames (between its binary screen frames)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class TerminalHello(_TerminalMessageBase):
    """The first frame: whether the agent runs, its activity, and its pane's size if known."""

    type: Literal["hello"] = "hello"
    agent_id: str
    alive: bool
    activity: str | None
    cols: int | None = None
    rows: int | None = None


class TerminalActivity(_TerminalMessageBase):
    type: Literal["activity"] = "activity"
    activity: str


class TerminalExit(_TerminalMessageBase):
    """The agent's session ended; the server closes the socket after it."""

    type: Literal["exit"] = "exit"


TerminalMessage = Annotated[
    TerminalHello | TerminalActivity | TerminalExit, Field(discriminator="type")
]
terminal_message = TypeAdapter[Any](TerminalMessage)

# Each member of the union, for checks that walk them.
SERVER_MESSAGES: tuple[type[Message], ...] = get_args(get_args(ServerMessage)[0])

_REF = "#/components/schemas/{model}"


def message_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every /ws server message validates against."""
    return server_message.json_schema(mode="serialization")


def openapi_with_messages(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with `ServerMessage` and every model it uses among its
    components, so openapi-typescript generates the socket types with the REST ones."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(
        title=app.title, version=app.version, routes=app.routes, description=app.description
    )
    components: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    unions = (("ServerMessage", server_message), ("TerminalMessage", terminal_message))
    for title, adapter in unions:
        union = adapter.json_schema(mode="serialization", ref_template=_REF)
        for name, schema in union.pop("$defs", {}).items():
            known = components.setdefault(name, schema)
            if known != schema:
                raise RuntimeError(f"OpenAPI component {name} differs between REST and sockets")
        components[title] = union
    app.openapi_schema = document
    return document
