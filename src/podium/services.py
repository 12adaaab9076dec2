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
from podium.agents.runs import AgentOutcome
from podium.agents.service import AgentService
from podium.agents.wiring import AgentWiringFactory
from podium.appsettings.service import AppSettings, AppSettingsService
from podium.config import Settings
from podium.coordination.lock_audit import LockAudit
from podium.coordination.locks import LockManager
from podium.coordination.notes import NoteService
from podium.coordination.questions import QuestionService
from podium.coordination.status import JobReports
from podium.db.engine import Database
from podium.events import EventBus
from podium.jobs.classify import ModelClassifier
from podium.jobs.dispatcher import Dispatcher
from podium.jobs.lifecycle import JobLifecycle
from podium.jobs.service import JobService
from podium.projects.service import ProjectService, TemplateService


@dataclass
class Services:
    settings: Settings
    db: Database
    bus: EventBus
    providers: ProviderRegistry
    app_settings: AppSettingsService
    runner: AgentRunner
    jobs: JobService
    lifecycle: JobLifecycle
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
        providers = ProviderRegistry(providers_override or builtin_providers(settings))
        app_settings = AppSettingsService(
            db, bus, AppSettings(max_concurrent_agents=settings.max_concurrent_agents)
        )
        credentials = AgentCredentials(db)
        locks = LockManager(db, bus, ttl_sec=settings.lock_ttl_sec)
        # The runner reports finished agents to the lifecycle, which is built after it.
        holder: dict[str, Any] = {}

        def on_finished(outcome: AgentOutcome) -> None:
            # Whatever way an agent ended, its credential, locks and open questions end with it.
            credentials.revoke(outcome.agent_id)
            locks.release_agent(outcome.agent_id)
            holder["questions"].expire_for_agent(outcome.agent_id)
            holder["lifecycle"].agent_finished(outcome)
            if providers.by_name(outcome.provider).needs_lock_audit:
                holder["audit"].check_later(outcome.agent_id)

        interactive = InteractiveSessions(settings=settings, db=db, bus=bus)
        runner = AgentRunner(
            settings=settings,
            db=db,
            bus=bus,
            providers=providers,
            on_finished=on_finished,
            wire=AgentWiringFactory(settings, credentials),
            interactive=interactive,
            host=process_host,
        )
        wake = _Wake()
        classifier = ModelClassifier(
            settings,
            db,
            publish_job=lambda job_id: holder["publish_job"](job_id),
            wake_dispatcher=wake,
        )
        jobs = JobService(
            settings=settings,
            db=db,
            bus=bus,
            runner=runner,
            wake_dispatcher=wake,
            classifier=classifier,
        )

        def publish_job(job_id: str) -> None:
            jobs.publish(jobs.get(job_id))

        holder["publish_job"] = publish_job
        lifecycle = JobLifecycle(
            db=db,
            runner=runner,
            jobs=jobs,
            wake_dispatcher=wake,
            helper_model=settings.helper_model,
        )
        holder["lifecycle"] = lifecycle
        dispatcher = Dispatcher(
            db=db,
            bus=bus,
            capacity=lambda: app_settings.current.max_concurrent_agents,
            running=lambda: runner.live_count,
            launch=lifecycle.launch,
            publish_job=publish_job,
        )
        wake.target = dispatcher
        app_settings.on_change(lambda _s: dispatcher.wake())
        questions = QuestionService(db, bus, publish_job)
        holder["questions"] = questions

        def schedule(delay: float, callback: Callable[[], Any]) -> None:
            asyncio.get_running_loop().call_later(delay, callback)

        reports = JobReports(db, bus, publish_job, runner.stop, schedule)
        audit = LockAudit(db, bus, reports)
        holder["audit"] = audit
        return cls(
            settings=settings,
            db=db,
            bus=bus,
            providers=providers,
            app_settings=app_settings,
            runner=runner,
            jobs=jobs,
            lifecycle=lifecycle,
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
        )

    def settings_base_dir(self) -> Path:
        """Relative paths from people and scripts resolve against the server's directory."""
        return Path.cwd()

    async def start(self) -> None:
        """Migrate, load live settings, pick up agents that outlived the last server, dispatch."""
        self.db.migrate(in_child=True)  # Alembic's modules never load in the server
        pricing.warm()
        self.app_settings.load()
        self.locks.load()
        self.lock_audit.start()
        self.settings.agent_logs_dir.mkdir(parents=True, exist_ok=True)
        self.interactive.start()
        await self.runner.start()
        self.classifier.resume_pending()
        self.dispatcher.start()

    async def close(self) -> None:
        await self.dispatcher.close()
        await self.classifier.close()
        await self.runner.close()
        await self.lock_audit.close()
        self.interactive.close()
        self.db.dispose()


class _Wake:
    """Lets services built before the dispatcher wake it."""

    target: Dispatcher | None = None

    def __call__(self) -> None:
        if self.target is not None:
            self.target.wake()
