"""Who reacts to the job lifecycle: the handlers each package registers for the domain events
(podium.jobs.domain_events), in one place, at wiring time."""

from __future__ import annotations

from typing import Protocol

from podium.agents.credentials import AgentCredentials
from podium.agents.registry import ProviderRegistry
from podium.coordination.lock_audit import LockAudit
from podium.coordination.locks import LockManager
from podium.coordination.questions import QuestionService
from podium.jobs.dispatcher import Dispatcher
from podium.jobs.domain_events import AgentEnded, DomainEvents, JobCreated, JobFinished
from podium.jobs.follow_ups import FollowUps
from podium.jobs.lifecycle import JobLifecycle
from podium.jobs.recovery import Recovery
from podium.jobs.service import JobService


class LifecycleParts(Protocol):
    """The services whose handlers react to the lifecycle (podium.services.Services is one)."""

    @property
    def events(self) -> DomainEvents: ...
    @property
    def providers(self) -> ProviderRegistry: ...
    @property
    def credentials(self) -> AgentCredentials: ...
    @property
    def locks(self) -> LockManager: ...
    @property
    def questions(self) -> QuestionService: ...
    @property
    def lock_audit(self) -> LockAudit: ...
    @property
    def lifecycle(self) -> JobLifecycle: ...
    @property
    def recovery(self) -> Recovery: ...
    @property
    def follow_ups(self) -> FollowUps: ...
    @property
    def jobs(self) -> JobService: ...
    @property
    def dispatcher(self) -> Dispatcher: ...


def subscribe_handlers(services: LifecycleParts) -> None:
    events = services.events

    # Whatever way an agent ended, its credential, locks and open questions end with it; then
    # its job is judged, and a Codex run's edits are checked against other agents' locks.
    def revoke_credential(event: AgentEnded) -> None:
        services.credentials.revoke(event.outcome.agent_id)

    def release_locks(event: AgentEnded) -> None:
        services.locks.release_agent(event.outcome.agent_id)

    def expire_questions(event: AgentEnded) -> None:
        services.questions.expire_for_agent(event.outcome.agent_id)

    def audit_locks(event: AgentEnded) -> None:
        if services.providers.by_name(event.outcome.provider).needs_lock_audit:
            services.lock_audit.check_later(event.outcome.agent_id)

    events.subscribe(AgentEnded, revoke_credential)
    events.subscribe(AgentEnded, release_locks)
    events.subscribe(AgentEnded, expire_questions)
    events.subscribe(AgentEnded, services.lifecycle.agent_ended)
    events.subscribe(AgentEnded, audit_locks)

    # An agent that ended on its own with an error may have left more behind (watchdog).
    def recover_after_crash(event: AgentEnded) -> None:
        outcome = event.outcome
        if outcome.stop_reason is None and outcome.exit_code not in (0, None):
            services.recovery.start()

    events.subscribe(AgentEnded, recover_after_crash)

    # Repeats, retries and diagnoses follow a judged job once its terminal status is stored.
    events.subscribe(JobFinished, services.follow_ups.job_finished)
    # An answer to an expired question, given while the job still ran, resumes it now.
    events.subscribe(JobFinished, services.jobs.resume_pending)

    # A new or finished job may let the dispatcher start one.
    events.subscribe(JobCreated, lambda _event: services.dispatcher.wake())
    events.subscribe(JobFinished, lambda _event: services.dispatcher.wake())
