"""Ingest: a 1,000,000-line Claude stream-json agent log → stored, FTS-indexed, published events.

Budget: ≥ 50,000 events/s, and within 3x the time of a plain file copy of the same log.

Runs the real `AgentStream.drain(final=True)` (the catch-up a restarted server does) with the
Claude provider, on a freshly migrated `Database` and a real `EventBus` with one subscriber that
sees every event as it is published and keeps none (a consumer that keeps up). The copy is
`shutil.copyfile` of the same file, page cache warm for both. The database is kept in `.bench/`
for the search benchmark."""

from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

import psutil

from benchmarks import _corpus
from benchmarks._common import CACHE_DIR, Metric
from podium.agents.providers.claude import ClaudeProvider
from podium.agents.service import AgentOutput
from podium.agents.stream import AgentStream, StreamState
from podium.db.engine import Database
from podium.db.tables import agents, jobs
from podium.events import Event, EventBus
from podium.ids import now


def new_database(path: Path) -> Database:
    """A migrated database holding the one job and agent row the events belong to."""
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    db = Database(path)
    db.migrate()
    with db.write() as conn:
        conn.execute(
            jobs.insert().values(
                id=_corpus.JOB_ID,
                title="ingest benchmark",
                description="ingest benchmark",
                status="running",
                work_dir="/tmp",
                depends_on=[],
                context={},
                completion_checks=[],
                created_at=now(),
            )
        )
        conn.execute(
            agents.insert().values(
                id=_corpus.AGENT_ID,
                job_id=_corpus.JOB_ID,
                provider="claude",
                status="running",
                log_path=str(_corpus.log_path()),
                work_dir="/tmp",
                created_at=now(),
            )
        )
    return db


def ingest(db: Database, log: Path) -> tuple[float, int]:
    """Drain the whole log once; returns (seconds, events published on the bus)."""
    bus = EventBus()
    published = 0

    def keep_up(event: Event) -> bool:
        nonlocal published
        if isinstance(event.message, AgentOutput):
            published += len(event.message.data.events)
        return False  # seen and dropped: nothing queues up

    bus.subscribe(keep_up)
    stream = AgentStream(
        agent_id=_corpus.AGENT_ID,
        job_id=_corpus.JOB_ID,
        log_path=log,
        provider=ClaudeProvider(),
        db=db,
        bus=bus,
        state=StreamState(),
    )
    began = time.perf_counter()
    stream.drain(final=True)
    return time.perf_counter() - began, published


def timed_ingest(db: Database, log: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, events published)."""
    cpu = time.process_time()
    seconds, published = ingest(db, log)
    return seconds, time.process_time() - cpu, published


def copy_seconds(log: Path) -> float:
    target = CACHE_DIR / "copy-of-log.ndjson"
    best = float("inf")
    try:
        for _ in range(3):
            began = time.perf_counter()
            shutil.copyfile(log, target)
            best = min(best, time.perf_counter() - began)
            target.unlink()
    finally:
        target.unlink(missing_ok=True)
    return best


def build_database() -> Database:
    """The ingested database for the search benchmark (built here, or reused from `.bench/`)."""
    path, marker = _corpus.db_path(), _corpus.db_ready_marker()
    if not marker.exists():
        log = _corpus.ensure_log()
        print("  building the search database from the log (cached) ...", flush=True)
        db = new_database(path)
        ingest(db, log)
        db.dispose()
        marker.touch()
    return Database(path)


def run() -> list[Metric]:
    log = _corpus.ensure_log()
    copy = copy_seconds(log)  # also leaves the log in the page cache
    path = _corpus.db_path()
    _corpus.db_ready_marker().unlink(missing_ok=True)
    db = new_database(path)
    rss_before = psutil.Process().memory_info().rss
    seconds, cpu, published = timed_ingest(db, log)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    word = _corpus.VOCAB[0]
    with db.read() as conn:
        events = conn.exec_driver_sql("SELECT count(*) FROM agent_events").scalar_one()
        indexed = conn.exec_driver_sql(
            "SELECT count(*) FROM agent_events_fts WHERE agent_events_fts MATCH ?", (word,)
        ).scalar_one()
    db.dispose()
    _corpus.db_ready_marker().touch()
    size_mb = log.stat().st_size / 1e6
    db_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    print(
        f"  {events:,} events stored, {published:,} published, {indexed:,} FTS hits for {word!r}; "
        f"log {size_mb:.0f} MB → db {db_mb:.0f} MB; RSS before drain {rss_before / 1e6:.0f} MB"
    )
    return [
        Metric("ingest events/s (parse+store+FTS+publish)", events / seconds, "ev/s", 50_000, True),
        Metric("ingest events per CPU second", events / cpu, "ev/s", 50_000, True),
        Metric("ingest time for 1M lines", seconds, "s"),
        Metric("plain copy of the same log", copy, "s"),
        Metric("ingest time / copy time", seconds / copy, "x", budget=3),
        Metric("ingest MB/s of log", size_mb / seconds, "MB/s"),
        Metric("ingest process peak RSS", peak_rss / 1e6, "MB"),
    ]
