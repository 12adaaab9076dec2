"""QueueGates: which queued jobs may start, and the reason written on each held one."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from podium.agents.providers.claude import ClaudeProvider
from podium.agents.providers.codex import CodexProvider
from podium.agents.registry import ProviderRegistry
from podium.appsettings.service import AppSettings
from podium.db.engine import Database
from podium.db.tables import agents, projects
from podium.jobs import repository
from podium.jobs.gates import RESOURCE_RECHECK_SEC, QueueGates, QueueStatus
from podium.jobs.limits import ProviderHolds
from podium.jobs.resources import ResourceMonitor, ResourceSample


class Machine(ResourceMonitor):
    """A machine whose free memory the test sets."""

    def __init__(self, memory_mb: float) -> None:
        super().__init__(Path("/"))
        self.memory_mb = memory_mb
        self.samples = 0

    def sample(self) -> ResourceSample:
        self.samples += 1
        return ResourceSample(
            available_memory_mb=self.memory_mb, free_disk_mb=50_000, load_per_cpu=0.5
        )


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "orchestrator.db")
    database.migrate()
    return database


def add_jobs(db: Database, *models: str | None) -> list[str]:
    ids = []
    with db.write() as conn:
        for n, model in enumerate(models):
            job_id = f"job_{n}"
            repository.insert(
                conn,
                {
                    "id": job_id,
                    "title": job_id,
                    "description": job_id,
                    "status": "queued",
                    "model": model,
                    "work_dir": "/tmp",
                    "created_at": time.time() + n,
                },
            )
            ids.append(job_id)
    return ids


class Gates:
    def __init__(self, db: Database, machine: Machine, settings: AppSettings) -> None:
        self.db = db
        self.settings = settings
        self.published: list[str] = []
        self.statuses: list[QueueStatus] = []
        self.holds = ProviderHolds()
        self.gates = QueueGates(
            db=db,
            providers=ProviderRegistry([ClaudeProvider(), CodexProvider()]),
            settings=lambda: self.settings,
            holds=self.holds,
            monitor=machine,
            publish_job=self.published.append,
            publish_status=self.statuses.append,
        )

    def admit(self, free: int) -> list[str]:
        with self.db.read() as conn:
            queued = repository.next_queued(conn, 100)
        return [job["id"] for job in self.gates.admit(queued, free)]

    def job(self, job_id: str) -> tuple[str | None, float | None]:
        with self.db.read() as conn:
            row = repository.get(conn, job_id)
        assert row is not None
        return row["hold_reason"], row["held_until"]

    def start(self, *job_ids: str) -> None:
        with self.db.write() as conn:
            for job_id in job_ids:
                repository.update_fields(conn, job_id, status="running")


def test_memory_for_each_agent_started_and_resuming_on_its_own(db: Database) -> None:
    ids = add_jobs(db, None, None, None)
    machine = Machine(memory_mb=600)
    gates = Gates(db, machine, AppSettings())
    # 275 MB per agent: two fit in 600 MB, the third waits and says why.
    assert gates.admit(free=3) == ids[:2]
    reason, until = gates.job(ids[2])
    assert reason == "low memory: 600 MB free, one more agent needs 825 MB" and until is None
    assert gates.published == [ids[2]]
    assert [h.kind for h in gates.statuses[-1].holds] == ["resources"]
    # Held by resources: a slow re-check, not a poll.
    wake = gates.gates.next_wake()
    assert wake is not None and wake - time.time() == pytest.approx(RESOURCE_RECHECK_SEC, abs=1)
    gates.start(*ids[:2])

    machine.memory_mb = 20_000  # memory freed: the re-check starts the job by itself
    assert gates.admit(free=1) == [ids[2]]
    assert gates.job(ids[2]) == (None, None)
    assert gates.gates.next_wake() is None
    assert gates.statuses[-1].holds == []


def test_thresholds_for_disk_and_load(db: Database) -> None:
    [job] = add_jobs(db, None)
    gates = Gates(db, Machine(memory_mb=20_000), AppSettings(min_free_disk_mb=60_000))
    assert gates.admit(free=1) == []
    assert gates.job(job)[0] == "low disk: 50000 MB free, the floor is 60000 MB"
    gates.settings = AppSettings(max_load_per_cpu=0.25)
    assert gates.admit(free=1) == []
    assert gates.job(job)[0] == "machine busy: load 0.50 per CPU, the ceiling is 0.25"
    gates.settings = AppSettings(max_load_per_cpu=0)  # no ceiling
    assert gates.admit(free=1) == [job]


def test_no_sampling_without_queued_jobs(db: Database) -> None:
    machine = Machine(memory_mb=20_000)
    gates = Gates(db, machine, AppSettings())
    assert gates.admit(free=5) == []
    assert machine.samples == 0 and gates.gates.next_wake() is None


def test_a_provider_limit_holds_only_that_providers_jobs(db: Database) -> None:
    claude, codex = add_jobs(db, None, "gpt-5.3-codex")
    gates = Gates(db, Machine(memory_mb=20_000), AppSettings())
    reset = time.time() + 120
    gates.holds.hold("claude", reset, "claude usage limit", time.time())
    assert gates.admit(free=5) == [codex]
    assert gates.job(claude) == ("claude usage limit", reset)
    assert gates.gates.next_wake() == reset
    [hold] = gates.statuses[-1].holds
    assert (hold.kind, hold.provider) == ("provider_limit", "claude")


def test_spend_caps_global_and_per_project_until_midnight(db: Database) -> None:
    with db.write() as conn:
        conn.execute(projects.insert().values(id="prj_a", name="alpha", created_at=time.time()))
    spent, in_alpha, other = add_jobs(db, None, None, None)
    with db.write() as conn:
        repository.update_fields(conn, spent, status="done", project_id="prj_a")
        repository.update_fields(conn, in_alpha, project_id="prj_a")
        conn.execute(
            agents.insert().values(
                id="agent_1",
                job_id=spent,
                provider="claude",
                status="exited",
                log_path="/tmp/none.ndjson",
                work_dir="/tmp",
                created_at=time.time(),
                cost_usd=2.5,
            )
        )
    gates = Gates(
        db, Machine(memory_mb=20_000), AppSettings(project_daily_spend_caps_usd={"prj_a": 2.0})
    )
    # Alpha's cap is reached: its job waits until midnight; the other project's job runs.
    assert gates.admit(free=5) == [other]
    reason, until = gates.job(in_alpha)
    assert reason == "project alpha daily spend cap reached: $2.50 of $2.00 spent today"
    midnight = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    assert until == (midnight + timedelta(days=1)).timestamp()
    assert gates.statuses[-1].spend_today_usd == 2.5
    gates.start(other)

    gates.settings = AppSettings(daily_spend_cap_usd=1.0)  # the global cap holds everything
    assert gates.admit(free=5) == []
    assert gates.job(in_alpha)[0] == "daily spend cap reached: $2.50 of $1.00 spent today"
    gates.settings = AppSettings(daily_spend_cap_usd=3.0)  # raised: dispatched at once
    assert gates.admit(free=5) == [in_alpha]
