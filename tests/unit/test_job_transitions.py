"""The one writer of job status and the domain-event hub, on a real migrated database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from podium.db.engine import Database
from podium.db.tables import handler_failures
from podium.events import EventBus
from podium.ids import now
from podium.jobs import repository
from podium.jobs.domain_events import ATTEMPTS, DomainEvents, JobCreated, JobFinished
from podium.jobs.failures import FailureKind
from podium.jobs.states import JobStatus
from podium.jobs.transitions import IllegalTransition, StatusWriter


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "t.db")
    database.migrate()
    return database


def new_job(status: JobStatus = JobStatus.QUEUED) -> dict[str, Any]:
    return {
        "id": f"job_{now()}",
        "title": "t",
        "description": "d",
        "status": status,
        "work_dir": "/tmp",
        "created_at": now(),
    }


def test_a_change_is_stored_with_its_reason_published_once_and_finishing_is_emitted(
    db: Database,
) -> None:
    bus, events = EventBus(), DomainEvents(db)
    seen: list[object] = []
    events.subscribe(JobCreated, seen.append)
    events.subscribe(JobFinished, seen.append)
    writer = StatusWriter(db, bus, events)
    published = bus.subscribe(lambda e: e.type == "job.updated")
    with writer.write() as change:
        job_id = change.insert(new_job())
    with writer.write() as change:
        change.set_status(job_id, JobStatus.RUNNING, reason=None)
    with writer.write() as change:
        change.set_status(
            job_id, JobStatus.FAILED, reason="boom", failure=FailureKind.CRASHED, judged=True
        )
    with db.read() as conn:
        row = repository.get(conn, job_id)
    assert row is not None
    assert row["status"] == "failed" and row["status_reason"] == "boom"
    assert row["failure_kind"] == "crashed" and row["finished_at"] is not None
    events_seen = [published.queue.get_nowait().message for _ in range(3)]
    assert [e.data.status for e in events_seen] == [  # type: ignore[attr-defined]
        "queued",
        "running",
        "failed",
    ]
    assert published.queue.empty(), "one job.updated per change"
    assert seen == [
        JobCreated(job_id),
        JobFinished(job_id, JobStatus.FAILED, FailureKind.CRASHED, "boom", True),
    ]


def test_an_illegal_transition_raises_and_leaves_the_row_unchanged(db: Database) -> None:
    bus, events = EventBus(), DomainEvents(db)
    writer = StatusWriter(db, bus, events)
    with writer.write() as change:
        job_id = change.insert(new_job(JobStatus.WAITING))
    published = bus.subscribe()
    with pytest.raises(IllegalTransition), writer.write() as change:
        change.set_status(job_id, JobStatus.RUNNING, reason="skipping the queue")
    with db.read() as conn:
        row = repository.get(conn, job_id)
    assert row is not None and row["status"] == "waiting" and row["status_reason"] is None
    assert published.queue.empty()
    with pytest.raises(IllegalTransition), writer.write() as change:
        change.insert(new_job(JobStatus.RUNNING))


def test_expect_makes_a_change_conditional(db: Database) -> None:
    writer = StatusWriter(db, EventBus(), DomainEvents(db))
    with writer.write() as change:
        job_id = change.insert(new_job())
    with writer.write() as change:
        skipped = change.set_status(
            job_id, JobStatus.WAITING_USER, reason=None, expect=(JobStatus.RUNNING,)
        )
    assert skipped is None
    with db.read() as conn:
        assert repository.statuses(conn, [job_id]) == {job_id: JobStatus.QUEUED}


async def test_a_failing_handler_is_logged_retried_then_recorded_and_others_still_run(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    events = DomainEvents(db)
    calls: list[str] = []
    last_tries = {"broken": asyncio.Event(), "async": asyncio.Event()}

    def note(name: str) -> None:
        calls.append(name)
        if calls.count(name) == ATTEMPTS:
            last_tries[name].set()

    def broken(event: JobCreated) -> None:
        note("broken")
        raise RuntimeError("handler bug")

    async def broken_async(event: JobCreated) -> None:
        note("async")
        raise ValueError("async handler bug")

    def fine(event: JobCreated) -> None:
        calls.append("fine")

    events.subscribe(JobCreated, broken)
    events.subscribe(JobCreated, broken_async)
    events.subscribe(JobCreated, fine)
    events.emit(JobCreated("job_x"))
    assert calls.count("fine") == 1, "a failing handler does not stop the next one"
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in last_tries.values())), 15)
    await asyncio.sleep(0)  # the last failure is recorded as it is caught
    with db.read() as conn:
        rows = list(conn.execute(select(handler_failures)).mappings())
    assert {row["handler"].rsplit(".", 1)[-1] for row in rows} == {"broken", "broken_async"}
    assert all(row["attempts"] == ATTEMPTS and row["job_id"] == "job_x" for row in rows)
    assert any("handler bug" in row["error"] for row in rows)
    assert calls.count("broken") == ATTEMPTS and calls.count("async") == ATTEMPTS
    assert calls.count("fine") == 1, "handlers that worked are not run again"
    assert any(r.exc_info for r in caplog.records), "each failure is logged with its traceback"
    await events.close()
