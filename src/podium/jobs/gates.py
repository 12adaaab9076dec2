"""The one gate the dispatcher asks before it starts a queued job.

A job waits, with the reason on it, while its provider's usage limit has not reset, while the
day's spend cap (global or its project's) is reached, or while the machine lacks the memory,
disk or CPU for one more agent. The gate also says when to look again (a reset, midnight, a slow
resource re-check), and only while something is held, so an idle server never polls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import RowMapping, func, select

from podium.agents.registry import ProviderRegistry
from podium.appsettings.service import AppSettings
from podium.db.engine import Database
from podium.db.tables import agents, jobs, projects
from podium.events import Message
from podium.ids import now, to_datetime
from podium.jobs import repository
from podium.jobs.limits import ProviderHolds
from podium.jobs.resources import ResourceMonitor, ResourceSample, resource_hold
from podium.schemas import ApiModel

# While resources hold the queue, they are sampled again this often (and on every dispatch).
RESOURCE_RECHECK_SEC = 30.0


class QueueHold(ApiModel):
    """One reason the queue (or part of it) is held."""

    kind: str  # provider_limit | spend_cap | resources
    reason: str
    provider: str | None
    project_id: str | None
    until: datetime | None


class QueueStatus(ApiModel):
    holds: list[QueueHold]
    queued: int
    held_jobs: int
    # What agents started today cost, when a cap is set and jobs are queued (else not counted).
    spend_today_usd: float | None
    resources: ResourceSample | None


class QueueUpdated(Message):
    """The queue's holds changed (GET /api/queue says the same)."""

    type: Literal["queue.updated"] = "queue.updated"
    data: QueueStatus


@dataclass(frozen=True, slots=True)
class _Hold:
    kind: str
    reason: str
    until: float | None
    provider: str | None = None
    project_id: str | None = None


def _midnight_after(at: float) -> float:
    day = datetime.fromtimestamp(at).replace(hour=0, minute=0, second=0, microsecond=0)
    return (day + timedelta(days=1)).timestamp()


class QueueGates:
    def __init__(
        self,
        *,
        db: Database,
        providers: ProviderRegistry,
        settings: Callable[[], AppSettings],
        holds: ProviderHolds,
        monitor: ResourceMonitor,
        publish_job: Callable[[str], None],
        publish_status: Callable[[QueueStatus], None],
    ) -> None:
        self._db = db
        self._providers = providers
        self._settings = settings
        self.holds = holds
        self._monitor = monitor
        self._publish_job = publish_job
        self._publish_status = publish_status
        self._next_wake: float | None = None
        self._status = QueueStatus(
            holds=[], queued=0, held_jobs=0, spend_today_usd=None, resources=None
        )

    @property
    def status(self) -> QueueStatus:
        return self._status

    def next_wake(self) -> float | None:
        """When the dispatcher should look again because a hold may have lifted."""
        return self._next_wake

    def admit(self, queued: list[RowMapping], free: int) -> list[RowMapping]:
        """Of QUEUED (in dispatch order), the jobs to start now, at most FREE; every other job
        gets the reason it is held written on it (or cleared)."""
        at = now()
        current = self._settings()
        capped = bool(queued) and self._has_caps(current)
        spend, by_project = self._spend_today(at) if capped else (None, {})
        sample = self._monitor.sample() if queued else None
        launch: list[RowMapping] = []
        marks: dict[str, _Hold | None] = {}
        for job in queued:
            hold = self._hold_for(job, at, current, spend, by_project, sample, len(launch))
            marks[job["id"]] = hold
            if hold is None and len(launch) < free:
                launch.append(job)
        self._write_marks(queued, marks)
        held = [hold for hold in marks.values() if hold is not None]
        self._next_wake = self._wake_time(held, at)
        self._update_status(held, len(queued), spend, sample, at)
        return launch

    # -- the gates ----------------------------------------------------------------------------
    def _hold_for(
        self,
        job: RowMapping,
        at: float,
        current: AppSettings,
        spend: float | None,
        by_project: dict[str, float],
        sample: ResourceSample | None,
        starting: int,
    ) -> _Hold | None:
        provider = self._providers.for_model(job["model"]).name
        limit = self.holds.get(provider, at)
        if limit is not None:
            return _Hold("provider_limit", limit.reason, limit.until, provider=provider)
        cap = current.daily_spend_cap_usd
        if cap > 0 and spend is not None and spend >= cap:
            reason = f"daily spend cap reached: ${spend:.2f} of ${cap:.2f} spent today"
            return _Hold("spend_cap", reason, _midnight_after(at))
        project = job["project_id"]
        project_cap = current.project_daily_spend_caps_usd.get(project or "", 0.0)
        if project and project_cap > 0 and by_project.get(project, 0.0) >= project_cap:
            spent = by_project.get(project, 0.0)
            reason = (
                f"project {self._project_name(project)} daily spend cap reached: "
                f"${spent:.2f} of ${project_cap:.2f} spent today"
            )
            return _Hold("spend_cap", reason, _midnight_after(at), project_id=project)
        if sample is not None:
            short = resource_hold(sample, current, starting)
            if short is not None:
                return _Hold("resources", short, None)
        return None

    @staticmethod
    def _has_caps(current: AppSettings) -> bool:
        return current.daily_spend_cap_usd > 0 or any(
            cap > 0 for cap in current.project_daily_spend_caps_usd.values()
        )

    def _spend_today(self, at: float) -> tuple[float, dict[str, float]]:
        """What agents started today cost, in all and per project."""
        start = _midnight_after(at) - 86400
        cost = func.coalesce(func.sum(agents.c.cost_usd), 0.0)
        with self._db.read() as conn:
            total = conn.execute(select(cost).where(agents.c.created_at >= start)).scalar_one()
            rows = conn.execute(
                select(jobs.c.project_id, cost)
                .select_from(agents.join(jobs, agents.c.job_id == jobs.c.id))
                .where(agents.c.created_at >= start, jobs.c.project_id.is_not(None))
                .group_by(jobs.c.project_id)
            ).all()
        return float(total), {str(row[0]): float(row[1]) for row in rows}

    def _project_name(self, project_id: str) -> str:
        with self._db.read() as conn:
            name = conn.execute(select(projects.c.name).where(projects.c.id == project_id)).scalar()
        return str(name or project_id)

    # -- marks, timer, status -----------------------------------------------------------------
    def _write_marks(self, queued: list[RowMapping], marks: dict[str, _Hold | None]) -> None:
        changes: dict[str, tuple[str | None, float | None]] = {}
        for job in queued:
            hold = marks[job["id"]]
            mark = (hold.reason, hold.until) if hold else (None, None)
            if (job["hold_reason"], job["held_until"]) != mark:
                changes[job["id"]] = mark
        if not changes:
            return
        with self._db.write() as conn:
            for job_id, (reason, until) in changes.items():
                repository.update_fields(conn, job_id, hold_reason=reason, held_until=until)
        for job_id in changes:
            self._publish_job(job_id)

    def _wake_time(self, held: list[_Hold], at: float) -> float | None:
        times = [hold.until for hold in held if hold.until is not None]
        if any(hold.kind == "resources" for hold in held):
            times.append(at + RESOURCE_RECHECK_SEC)
        return min(times) if times else None

    def _update_status(
        self,
        held: list[_Hold],
        queued: int,
        spend: float | None,
        sample: ResourceSample | None,
        at: float,
    ) -> None:
        reasons: dict[tuple[str, str], QueueHold] = {}
        for limit in self.holds.active(at):
            reasons[("provider_limit", limit.reason)] = QueueHold(
                kind="provider_limit",
                reason=limit.reason,
                provider=limit.provider,
                project_id=None,
                until=to_datetime(limit.until),
            )
        for hold in held:
            reasons.setdefault(
                (hold.kind, hold.reason),
                QueueHold(
                    kind=hold.kind,
                    reason=hold.reason,
                    provider=hold.provider,
                    project_id=hold.project_id,
                    until=to_datetime(hold.until),
                ),
            )
        status = QueueStatus(
            holds=list(reasons.values()),
            queued=queued,
            held_jobs=len(held),
            spend_today_usd=round(spend, 6) if spend is not None else None,
            resources=sample,
        )
        before = self._status.model_dump(exclude={"resources"})
        self._status = status
        if status.model_dump(exclude={"resources"}) != before:
            self._publish_status(status)
