"""Follows every live agent's log and stores what it gains, many agents per commit.

A commit costs about as much as the few events in it, so on a busy server the commits, not the
parsing, are what the CPU is spent on. Changed logs wait a short window to share one
transaction; meanwhile the log watcher is paused, so further lines do not wake the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import exc

from podium.agents.logwatch import LogWatcher
from podium.agents.stream import AgentStream, Batch, store_batches
from podium.db.engine import Database

log = logging.getLogger(__name__)

# With 100 agents streaming, a 20 ms window cost ~12% of a core and 40 ms ~8%; 40 ms is still
# far below what a reader of the output notices.
FLUSH_WINDOW_SEC = 0.04
# After a failed write the streams are read again from their stored positions, first after
# RETRY_FIRST_SEC, then twice as long after each further failure, up to RETRY_MAX_SEC.
RETRY_FIRST_SEC = 0.25
RETRY_MAX_SEC = 8.0


class LogIngest:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        logs_dir: Path,
        db: Database,
        *,
        on_output: Callable[[str], None],
    ) -> None:
        self._loop = loop
        self._db = db
        self._on_output = on_output
        self._watcher = LogWatcher(loop, logs_dir)
        self._streams: dict[str, AgentStream] = {}
        self._dirty: set[str] = set()
        self._flush_scheduled = False
        self._retry_delay = RETRY_FIRST_SEC
        self._closed = False

    def follow(self, stream: AgentStream) -> None:
        agent_id = stream.agent_id
        self._streams[agent_id] = stream
        self._watcher.follow(stream.log_path.name, lambda: self._mark_dirty(agent_id))

    def unfollow(self, stream: AgentStream) -> None:
        self._streams.pop(stream.agent_id, None)
        self._watcher.unfollow(stream.log_path.name)

    def close(self) -> None:
        self._closed = True
        self._streams.clear()
        self._watcher.close()

    def _mark_dirty(self, agent_id: str) -> None:
        self._dirty.add(agent_id)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._watcher.pause()
            self._loop.call_later(FLUSH_WINDOW_SEC, self._flush)

    def _flush(self) -> None:
        """Every log that changed in the window is read (one chunk each) and stored in a single
        transaction; logs with more to read go round again, so a large backlog never holds the
        loop for long. A stream moves on only with the commit that stores its chunk: a chunk
        that could not be stored is read again from the log on a retry."""
        self._watcher.resume()  # marks the logs that changed during the window
        self._flush_scheduled = False
        dirty, self._dirty = self._dirty, set()
        batches: list[tuple[AgentStream, Batch]] = []
        for agent_id in dirty:
            stream = self._streams.get(agent_id)
            if stream is None:
                continue
            batch = stream.collect()
            if batch is not None:
                batches.append((stream, batch))
        if not batches:
            return
        stored, failed = self._store(batches)
        for stream, batch in stored:
            if not stream.orphaned:
                self._on_output(stream.agent_id)
            stream.committed(batch)
            if batch.more:
                self._mark_dirty(stream.agent_id)
        for stream, _ in failed:
            stream.not_stored()
        if failed:
            self._retry_later([stream.agent_id for stream, _ in failed])
        else:
            self._retry_delay = RETRY_FIRST_SEC

    def _store(
        self, batches: list[tuple[AgentStream, Batch]]
    ) -> tuple[list[tuple[AgentStream, Batch]], list[tuple[AgentStream, Batch]]]:
        """(stored, failed). Orphaned streams (their agent's row is gone) count as stored, with
        nothing written. A constraint failure of the shared transaction is one agent's bad
        rows: each batch is then tried alone, so the others' output is stored all the same. Any
        other failure (the database locked past its busy timeout, a full disk) fails them all,
        to be tried again."""
        writable = [(stream, batch) for stream, batch in batches if not stream.orphaned]
        try:
            self._write(writable)
            return batches, []
        except exc.IntegrityError:
            log.warning("storing output of %d agents failed; storing each alone", len(writable))
        except Exception:
            log.exception("could not store agent output; trying again")
            return [], batches
        stored = [(stream, batch) for stream, batch in batches if stream.orphaned]
        failed = []
        for stream, batch in writable:
            try:
                self._write([(stream, batch)])
            except exc.IntegrityError:
                if not stream.check_orphaned():
                    log.exception("could not store output of agent %s", stream.agent_id)
                    failed.append((stream, batch))
                    continue
            except Exception:
                log.exception("could not store output of agent %s", stream.agent_id)
                failed.append((stream, batch))
                continue
            stored.append((stream, batch))
        return stored, failed

    def _write(self, batches: list[tuple[AgentStream, Batch]]) -> None:
        if batches:
            with self._db.write() as conn:
                store_batches(conn, batches)

    def _retry_later(self, agent_ids: list[str]) -> None:
        """Read the failed streams again after a pause that doubles with each failure in a row
        (the database may stay locked or the disk full for a while)."""
        delay, self._retry_delay = self._retry_delay, min(self._retry_delay * 2, RETRY_MAX_SEC)
        self._loop.call_later(delay, self._retry, agent_ids)

    def _retry(self, agent_ids: list[str]) -> None:
        if self._closed:
            return
        for agent_id in agent_ids:
            if agent_id in self._streams:
                self._mark_dirty(agent_id)
