"""Builds the service graph once per server; REST routes and MCP tools both use it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podium.agents import pricing
from podium.agents.credentials import AgentCredentials
from podium.agents.host import ProcessHost
from podium.agents.interactive.sessions import InteractiveSessions
from podium.agents.providers.base import Provider
from podium.agents.providers.builtin import builtin as builtin_providers
from podium.agents.registry import ProviderRegistry
from podium.agents.runner import AgentRunner
from podium.agents.service import AgentService
from podium.agents.wiring import AgentWiringFactory
from podium.appsettings.service import AppSettings, AppSettingsService
from podium.config import Settings
from podium.coordination.lock_audit import LockAudit
from podium.coordination.locks import LockManager
from podium.coordination.notes import NoteService
from podium.coordination.questions import QuestionService
from podium.coordination.status import JobReports
from podium.db.backup import ServerLock
from podium.db.backup_schedule import BackupService
from podium.db.engine import Database
from podium.events import EventBus
from podium.jobs.classify import ModelClassifier
from podium.jobs.dispatcher import Dispatcher
from podium.jobs.domain_events import AgentEnded, DomainEvents
from podium.jobs.follow_ups import FollowUps
from podium.jobs.gates import QueueGates, QueueStatus, QueueUpdated
from podium.jobs.lifecycle import JobLifecycle
from podium.jobs.limits import LimitPauses, ProviderHolds
from podium.jobs.recovery import Recovery, RecoveryHooks
from podium.jobs.resources import ResourceMonitor
from podium.jobs.service import JobService
from podium.jobs.transitions import StatusWriter
from podium.projects.service import ProjectService, TemplateService
from podium.subscriptions import subscribe_handlers


@dataclass
class Services:
    settings: Settings
    db: Database
    bus: EventBus
    events: DomainEvents
    writer: StatusWriter
    providers: ProviderRegistry
    app_settings: AppSettingsService
    runner: AgentRunner
    jobs: JobService
    lifecycle: JobLifecycle
    follow_ups: FollowUps
    recovery: Recovery
    dispatcher: Dispatcher
    agents: AgentService
    projects: ProjectService
    templates: TemplateService
    locks: LockManager
    notes: NoteService
    questions: QuestionService
    reports: JobReports
    credentials: AgentCredentials
    lock_audit: LockAudit
    interactive: InteractiveSessions
    classifier: ModelClassifier
    backups: BackupService
    server_lock: ServerLock
    gates: QueueGates

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        providers_override: list[Provider] | None = None,
        process_host: ProcessHost | None = None,
    ) -> Services:
        """The overrides let the in-process tests (tests/inprocess) run the real services with
        a fake provider and a fake process host; a server passes neither."""
        db = Database(settings.database_path)
        bus = EventBus()
        events = DomainEvents(db)
        writer = StatusWriter(db, bus, events)
        providers = ProviderRegistry(providers_override or builtin_providers(settings))
        app_settings = AppSettingsService(
            db, bus, AppSettings(max_concurrent_agents=settings.max_concurrent_agents)
        )
        credentials = AgentCredentials(db)
        locks = LockManager(db, bus, ttl_sec=settings.lock_ttl_sec)
        interactive = InteractiveSessions(settings=settings, db=db, bus=bus)
        runner = AgentRunner(
            settings=settings,
            db=db,
            bus=bus,
            providers=providers,
            on_finished=lambda outcome: events.emit(AgentEnded(outcome)),
            wire=AgentWiringFactory(settings, credentials),
            interactive=interactive,
            host=process_host,
        )
        wake = _Wake()
        classifier = ModelClassifier(
            settings, db, publish_job=writer.publish_id, wake_dispatcher=wake
        )
        jobs = JobService(
            settings=settings,
            db=db,
            bus=bus,
            runner=runner,
            writer=writer,
            wake_dispatcher=wake,
            classifier=classifier,
        )
        holds = ProviderHolds()
        lifecycle = JobLifecycle(
            db=db,
            runner=runner,
            jobs=jobs,
            writer=writer,
            wake_dispatcher=wake,
            limits=LimitPauses(holds, fallback_pause_sec=settings.limit_pause_sec),
        )
        follow_ups = FollowUps(
            writer=writer, helper_model=settings.helper_model, wake_dispatcher=wake
        )

        def publish_queue(status: QueueStatus) -> None:
            bus.publish(QueueUpdated(data=status))

        gates = QueueGates(
            db=db,
            providers=providers,
            settings=lambda: app_settings.current,
            holds=holds,
            monitor=ResourceMonitor(settings.data_dir),
            publish_job=lambda job_id: jobs.publish(jobs.get(job_id)),
            publish_status=publish_queue,
        )
        dispatcher = Dispatcher(
            db=db,
            writer=writer,
            capacity=lambda: app_settings.current.max_concurrent_agents,
            running=lambda: runner.live_count,
            launch=lifecycle.launch,
            gates=gates,
        )
        wake.target = dispatcher
        app_settings.on_change(lambda _s: dispatcher.wake())
        questions = QuestionService(db, bus, writer, jobs.continue_when_able)

        def schedule(delay: float, callback: Callable[[], Any]) -> None:
            asyncio.get_running_loop().call_later(delay, callback)

        reports = JobReports(db, bus, writer, runner.stop, schedule)
        audit = LockAudit(db, bus, reports)
        recovery = Recovery(
            db,
            RecoveryHooks(
                is_live=runner.is_live,
                settling=lambda: lifecycle.settling,
                judge=lifecycle.judge,
                fail=lifecycle.fail,
                stop_agent=runner.stop,
                revoke_credential=credentials.revoke,
                release_locks=locks.release_agent,
                lock_holders=lambda: [lock.agent_id for lock in locks.list()],
                expire_questions=questions.expire_for_agent,
                wake_dispatcher=wake,
            ),
        )
        services = cls(
            settings=settings,
            db=db,
            bus=bus,
            events=events,
            writer=writer,
            providers=providers,
            app_settings=app_settings,
            runner=runner,
            jobs=jobs,
            lifecycle=lifecycle,
            follow_ups=follow_ups,
            recovery=recovery,
            dispatcher=dispatcher,
            agents=AgentService(db),
            projects=ProjectService(db, bus),
            templates=TemplateService(db, bus),
            locks=locks,
            notes=NoteService(db, bus),
            questions=questions,
            reports=reports,
            credentials=credentials,
            interactive=interactive,
            lock_audit=audit,
            classifier=classifier,
            backups=BackupService(
                db_path=settings.database_path,
                directory=settings.backups_dir,
                interval_sec=settings.backup_interval_sec,
                keep=settings.backup_keep,
            ),
            server_lock=ServerLock(settings.database_path),
            gates=gates,
        )
        subscribe_handlers(services)
        return services

    def settings_base_dir(self) -> Path:
        """Relative paths from people and scripts resolve against the server's directory."""
        return Path.cwd()

    async def start(self) -> None:
        """Migrate, load live settings, pick up agents that outlived the last server, dispatch."""
        # One server per database: a second would dispatch the same queue, and `podium restore`
        # must see that one is running.
        self.server_lock.acquire()
        self.db.migrate(in_child=True)  # Alembic's modules never load in the server
        pricing.warm()
        self.app_settings.load()
        self.locks.load()
        self.lock_audit.start()
        self.settings.agent_logs_dir.mkdir(parents=True, exist_ok=True)
        self.interactive.start()
        await self.runner.start()
        self.recovery.start()  # jobs the last server left running with no agent, and more
        self.classifier.resume_pending()
        self.dispatcher.start()
        self.backups.start()

    async def close(self) -> None:
        await self.backups.close()
        await self.dispatcher.close()
        await self.recovery.close()
        await self.classifier.close()
        await self.runner.close()
        await self.lock_audit.close()
        await self.events.close()
        self.interactive.close()
        self.db.dispose()
        self.server_lock.release()


class _Wake:
    """Lets services built before the dispatcher wake it."""

    target: Dispatcher | None = None

    def __call__(self) -> None:
        if self.target is not None:
            self.target.wake()
