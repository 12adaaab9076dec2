"""How a run's end is recorded, whichever way it ended (exit, stop, a failed start, or while
the server was down): the agent row closed, `agent.updated` published, and the outcome handed
to the job layer through the runner's `on_finished`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from podium.agents import repository
from podium.agents.process import AgentFiles
from podium.agents.runs import AgentOutcome
from podium.agents.service import publish_agent
from podium.agents.stream import AgentStream
from podium.db.engine import Database
from podium.errors import NotFound
from podium.events import EventBus
from podium.ids import now


def record_end(
    db: Database,
    bus: EventBus,
    on_finished: Callable[[AgentOutcome], None],
    *,
    files: AgentFiles,
    stream: AgentStream,
    exit_code: int | None,
    stop_reason: str | None,
    stop_detail: str | None,
) -> None:
    with db.write() as conn:
        repository.update_fields(
            conn,
            stream.agent_id,
            status="exited",
            exit_code=exit_code,
            stop_reason=stop_detail or stop_reason,
            finished_at=now(),
            warnings=None,  # they are about running agents
        )
    with contextlib.suppress(NotFound):  # its job (and with it the row) was deleted
        publish_agent(bus, db, stream.agent_id)
    on_finished(
        AgentOutcome(
            agent_id=stream.agent_id,
            job_id=stream.job_id,
            exit_code=exit_code,
            stop_reason=stop_reason,
            provider=stream.provider.name,
            stop_detail=stop_detail,
            result=stream.state.result,
            cost_usd=stream.state.cost_usd,
            stderr_tail=files.stderr_tail(),
        )
    )
