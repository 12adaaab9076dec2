"""The recovery pass: one look at everything an agent's end should have cleaned up, run when the
server starts and whenever an agent ends unexpectedly (no periodic sweep: each has an event).

It finds jobs `running` with no live agent (their agent died mid-launch, or the server died while
judging the run) and judges or fails them, stops agents whose finish_job stop was lost with the
last server, and ends the credentials, locks and pending questions of agents that are gone."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Container, Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, RowMapping, select

from podium.agents import repository as agents_repository
from podium.agents.providers.base import RunResult
from podium.agents.runs import AgentOutcome
from podium.background import BackgroundTasks
from podium.db.engine import Database
from podium.db.tables import agent_credentials, agent_events, agents, questions
from podium.ids import now
from podium.jobs import repository
from podium.jobs.failures import FailureKind
from podium.jobs.judgement import FINISHED, Verdict
from podium.jobs.states import ACTIVE, JobStatus

log = logging.getLogger(__name__)

MID_LAUNCH = "the server stopped while the agent was being launched"
LOST = "the agent is gone and nothing is left to judge its run by"
LOST_ROW = "lost: the server stopped while it was starting or running"


class Fix(StrEnum):
    JUDGE = "judge"  # the agent ended; judge its run (again) from what was stored
    FAIL = "fail"  # nothing to judge: fail the job with the reason
    STOP = "stop"  # the agent lives on after finish_job: stop it, then it is judged


@dataclass(frozen=True, slots=True)
class Decision:
    job_id: str
    fix: Fix
    agent_id: str | None = None
    reason: str | None = None


def decide(
    active_jobs: Iterable[RowMapping],
    agent_rows: dict[str, RowMapping],
    live: Container[str],
    settling: Container[str],
) -> list[Decision]:
    """What each active job needs. Pure: `live` are the agents the runner follows, `settling`
    the agents whose run is being judged right now."""
    decisions: list[Decision] = []
    for job in active_jobs:
        job_id, agent_id = job["id"], job["current_agent_id"]
        if agent_id in settling:
            continue
        agent = agent_rows.get(agent_id) if agent_id else None
        if agent_id in live:
            if agent is not None and agent["reported_result"] is not None:
                decisions.append(Decision(job_id, Fix.STOP, agent_id))
            continue
        if agent is None:
            decisions.append(Decision(job_id, Fix.FAIL, reason=MID_LAUNCH))
        elif agent["status"] == "exited":
            decisions.append(Decision(job_id, Fix.JUDGE, agent_id))
        else:
            decisions.append(Decision(job_id, Fix.FAIL, agent_id, LOST))
    return decisions


def outcome_of(agent: RowMapping, last_result: RowMapping | None) -> AgentOutcome:
    """The ended run as stored: the outcome saved when judging began, else the agent row and
    its last `result` event."""
    saved = agent["outcome"]
    if isinstance(saved, dict):
        result = saved.get("result")
        return AgentOutcome(
            agent_id=agent["id"],
            job_id=agent["job_id"],
            exit_code=saved.get("exit_code"),
            stop_reason=saved.get("stop_reason"),
            provider=agent["provider"],
            stop_detail=saved.get("stop_detail"),
            result=RunResult(**result) if isinstance(result, dict) else None,
            cost_usd=float(agent["cost_usd"] or 0.0),
            stderr_tail=str(saved.get("stderr_tail") or ""),
        )
    run_result = None
    if last_result is not None:
        data = last_result["data"] or {}
        run_result = RunResult(
            text=data.get("result"),
            is_error=bool(data.get("isError")),
            subtype=str(data.get("subtype") or "success"),
            num_turns=data.get("numTurns"),
        )
    stop = agent["stop_reason"]
    return AgentOutcome(
        agent_id=agent["id"],
        job_id=agent["job_id"],
        exit_code=agent["exit_code"],
        stop_reason=FINISHED if agent["reported_result"] is not None and stop else stop,
        provider=agent["provider"],
        stop_detail=stop,
        result=run_result,
        cost_usd=float(agent["cost_usd"] or 0.0),
        stderr_tail="",
    )


def saved_outcome(outcome: AgentOutcome) -> dict[str, object]:
    """What `outcome_of` reads back (agents.outcome)."""
    result = outcome.result
    return {
        "exit_code": outcome.exit_code,
        "stop_reason": outcome.stop_reason,
        "stop_detail": outcome.stop_detail,
        "stderr_tail": outcome.stderr_tail[-2000:],
        "result": None
        if result is None
        else {
            "text": result.text,
            "is_error": result.is_error,
            "subtype": result.subtype,
            "num_turns": result.num_turns,
        },
    }


@dataclass(frozen=True, slots=True)
class RecoveryHooks:
    """What the pass acts through, so it stays free of the packages it repairs."""

    is_live: Callable[[str], bool]
    settling: Callable[[], Collection[str]]
    judge: Callable[[AgentOutcome], Awaitable[None]]
    fail: Callable[[str, Verdict], None]
    stop_agent: Callable[[str, str, str], object]
    revoke_credential: Callable[[str], None]
    release_locks: Callable[[str], object]
    lock_holders: Callable[[], Collection[str]]
    expire_questions: Callable[[str], None]
    wake_dispatcher: Callable[[], None]


class _Live:
    def __init__(self, is_live: Callable[[str], bool]) -> None:
        self._is_live = is_live

    def __contains__(self, agent_id: object) -> bool:
        return isinstance(agent_id, str) and self._is_live(agent_id)


class Recovery:
    def __init__(self, db: Database, hooks: RecoveryHooks) -> None:
        self._db = db
        self._hooks = hooks
        self._tasks = BackgroundTasks()

    def start(self) -> None:
        """Run a pass in the background (at start; when an agent ended unexpectedly)."""
        self._tasks.start(self._run_logged())

    async def close(self) -> None:
        await self._tasks.cancel()

    async def _run_logged(self) -> None:
        try:
            await self.run()
        except Exception:
            log.exception("the recovery pass failed")

    async def run(self) -> list[Decision]:
        hooks = self._hooks
        live = _Live(hooks.is_live)
        with self._db.read() as conn:
            active = repository.by_status(conn, *ACTIVE)
            ids = [job["current_agent_id"] for job in active if job["current_agent_id"]]
            rows = conn.execute(select(agents).where(agents.c.id.in_(ids))).mappings().all()
            by_id = {row["id"]: row for row in rows}
            decisions = decide(active, by_id, live, set(hooks.settling()))
            last_results = {
                d.agent_id: _last_result(conn, d.agent_id)
                for d in decisions
                if d.fix is Fix.JUDGE and d.agent_id
            }
        for decision in decisions:
            log.warning("recovery: job %s: %s", decision.job_id, decision.fix)
            if decision.fix is Fix.STOP and decision.agent_id:
                hooks.stop_agent(decision.agent_id, FINISHED, "finished by the agent")
            elif decision.fix is Fix.JUDGE and decision.agent_id:
                agent = by_id[decision.agent_id]
                await hooks.judge(outcome_of(agent, last_results[decision.agent_id]))
            else:
                verdict = Verdict(JobStatus.FAILED, decision.reason, None, FailureKind.LAUNCH)
                hooks.fail(decision.job_id, verdict)
        self._end_what_gone_agents_held(live)
        hooks.wake_dispatcher()  # jobs waiting on dependencies that completed meanwhile
        return decisions

    def _end_what_gone_agents_held(self, live: Container[str]) -> None:
        hooks = self._hooks
        with self._db.write() as conn:
            # Rows still `starting` or `running` that the runner could not pick up again.
            for row in agents_repository.live(conn):
                if row["id"] not in live:
                    agents_repository.update_fields(
                        conn, row["id"], status="exited", stop_reason=LOST_ROW, finished_at=now()
                    )
            credentialed = {row[0] for row in conn.execute(select(agent_credentials.c.agent_id))}
            asking = {
                row[0]
                for row in conn.execute(
                    select(questions.c.agent_id).where(questions.c.status == "pending")
                )
                if row[0]
            }
        # Launching is synchronous: no agent is half-launched while this runs.
        held = {agent_id for agent_id in hooks.lock_holders() if agent_id.startswith("ag_")}
        for agent_id in sorted(credentialed):
            if agent_id not in live:
                hooks.revoke_credential(agent_id)
        for agent_id in sorted(held):
            if agent_id not in live:
                hooks.release_locks(agent_id)
        for agent_id in sorted(asking):
            if agent_id not in live:
                hooks.expire_questions(agent_id)


def _last_result(conn: Connection, agent_id: str) -> RowMapping | None:
    query = (
        select(agent_events)
        .where(agent_events.c.agent_id == agent_id, agent_events.c.kind == "result")
        .order_by(agent_events.c.seq.desc())
        .limit(1)
    )
    return conn.execute(query).mappings().first()
