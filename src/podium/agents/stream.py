"""Turns the bytes an agent appends to its log into stored, searchable, published events."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, exc, func, select

from podium.agents import repository
from podium.agents.providers.base import AgentEvent, ParsedLine, Provider, RunResult, Usage
from podium.agents.service import AgentOutput, StreamedEvent, publish_agent_stats
from podium.db.engine import Database
from podium.db.tables import agents
from podium.events import EventBus
from podium.ids import now

log = logging.getLogger(__name__)

READ_CHUNK = 4 * 1024 * 1024
# A line longer than a chunk (a tool result of a large file, a long final answer) is read whole
# with larger reads: cut, its pieces would parse as raw text and a result line's verdict and
# usage would be lost. Only past this size is a line cut rather than waited for.
MAX_LINE = 64 * 1024 * 1024
# Tries of one chunk's write in `drain()` (an agent's exit, a restart's catch-up) before the
# error is raised; each waits out the database's busy timeout first.
DRAIN_ATTEMPTS = 3


def read_at(path: Path, offset: int, limit: int) -> bytes:
    """Up to LIMIT bytes of PATH from OFFSET. Sized by the file, not by LIMIT: a buffered
    read(4 MiB) allocates the whole 4 MiB every time, and most reads are a line or two."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return b""
    try:
        available = os.fstat(fd).st_size - offset
        return os.pread(fd, min(available, limit), offset) if available > 0 else b""
    finally:
        os.close(fd)


@dataclass(slots=True)
class Batch:
    """Events parsed from one chunk of a log, waiting to be stored and published."""

    # Rows as repository.insert_events takes them, data already JSON: built while parsing, so
    # the writer (the busier of the two during a catch-up) only binds them.
    rows: list[repository.EventRow] = field(default_factory=list)
    published: list[StreamedEvent] = field(default_factory=list)
    stats_changed: bool = False
    more: bool = False
    # The stream's state once these events are in, and its position and stats as stored with
    # them: the stream adopts the state only once they are committed, so a failed write loses
    # nothing (the chunk is read again from the log) and never leaves a gap in `seq`.
    state: StreamState | None = None
    position: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class StreamState:
    """What the log has told us so far; mirrored in the agents row so a restart resumes it."""

    offset: int = 0
    next_seq: int = 1
    session_id: str | None = None
    model: str | None = None
    usage: Usage = field(default_factory=Usage)
    num_turns: int = 0
    cost_usd: float = 0.0
    result: RunResult | None = None
    # Usage keys already counted, oldest first. One dict is shared by a state and the copies
    # parsed ahead of it (copying it for every chunk cost a quarter of a catch-up's time):
    # their keys go in after its own, and `keys_counted` says how many are this state's, so
    # the keys of a chunk that was not stored can be dropped again (`forget_later_keys`).
    seen_usage_keys: dict[str, None] = field(default_factory=dict)
    keys_counted: int = 0
    # What the session had used before this agent (for `usage_is_total` lines); None until the
    # first total arrives. Not stored: it is read from the database again after a restart.
    usage_baseline: Usage | None = None

    def copy(self) -> StreamState:
        """A copy to parse the next chunk into (Usage is mutated in place)."""
        return replace(self, usage=replace(self.usage))

    def count_key(self, key: str) -> None:
        self.seen_usage_keys[key] = None
        self.keys_counted = len(self.seen_usage_keys)

    def forget_later_keys(self) -> None:
        """Drop the keys that copies parsed after this state added: they were not stored."""
        keys = self.seen_usage_keys
        while len(keys) > self.keys_counted:
            keys.popitem()


class AgentStream:
    """One agent's log follower. `drain()` reads whatever is new; call it on every file change
    and once more after the process ends (`final=True` also takes an unterminated last line).

    Usage is normally per model response and added up. A line marked ``usage_is_total`` (codex's
    ``turn.completed``) carries the session's running total instead, which a resumed session
    restores, so it includes earlier agents' runs of the same session. The rule: an agent's
    usage is the latest total minus the session's usage *before* this agent, and that baseline
    is the usage Podium already recorded for the other agents of the same session (same
    provider, same ``session_id``), read once at the agent's first total. A fresh session's
    baseline is zero. Each total replaces the agent's usage (so a repeated or re-read total
    changes nothing) and its cost is that usage priced. Tokens spent by an earlier run that
    ended before reporting its total (killed mid-turn) land on the next agent of the session.
    """

    def __init__(
        self,
        *,
        agent_id: str,
        job_id: str,
        log_path: Path,
        provider: Provider,
        db: Database,
        bus: EventBus,
        state: StreamState,
        on_cost: Callable[[float], None] | None = None,
    ) -> None:
        self.agent_id = agent_id
        self.job_id = job_id
        self.log_path = log_path
        self.provider = provider
        self.state = state
        self._db = db
        self._bus = bus
        self._on_cost = on_cost
        self.orphaned = False  # see check_orphaned()

    def drain(self, *, final: bool = False) -> None:
        """Read, store and publish everything new, one chunk per transaction. A backlog of
        several chunks (a restart's catch-up) is pipelined: while one chunk is written on a
        worker thread (sqlite releases the GIL), the next is parsed here. Events are still
        published in order, each chunk only after its commit. A write that fails is tried
        again (DRAIN_ATTEMPTS in all) before the error is raised, with nothing adopted."""
        try:
            self._drain(final)
        except BaseException:
            self.not_stored()
            raise

    def _drain(self, final: bool) -> None:
        batch = self.collect(final=final)
        if batch is None:
            return
        if not batch.more:
            self._write(batch)
            self.committed(batch)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="podium-drain") as writer:
            current: Batch | None = batch
            while current is not None:
                writing = writer.submit(self._write, current)
                following = self.collect(final=final, after=current) if current.more else None
                writing.result()
                self.committed(current)
                current = following

    def _write(self, batch: Batch) -> None:
        for attempt in range(1, DRAIN_ATTEMPTS + 1):
            if self.orphaned:
                return
            try:
                with self._db.write() as conn:
                    self.store(conn, batch)
                return
            except exc.IntegrityError:
                if not self.check_orphaned():
                    raise
            except exc.DBAPIError:
                if attempt == DRAIN_ATTEMPTS:
                    raise
                log.warning("storing output of agent %s failed; trying again", self.agent_id)

    def check_orphaned(self) -> bool:
        """True (and from now on) when the agent's row is gone, as when its job is deleted
        while it runs: its output can no longer be stored, but it is still read (for the
        result and usage its exit is judged by) and adopted, so the exit goes through."""
        if not self.orphaned:
            with self._db.read() as conn:
                self.orphaned = repository.get(conn, self.agent_id) is None
            if self.orphaned:
                log.warning("agent %s has no row any more; its output is dropped", self.agent_id)
        return self.orphaned

    def collect(self, *, final: bool = False, after: Batch | None = None) -> Batch | None:
        """Parse the next chunk of complete lines (READ_CHUNK bytes, more for one long line)
        into a batch; None when there is nothing new. The stream's own state is left as it is:
        `committed()` adopts the batch's once the caller has stored it (several agents' batches
        may share one transaction, group commit). AFTER is a batch not yet committed to
        continue from."""
        base = after.state if after is not None and after.state is not None else self.state
        limit = READ_CHUNK
        while True:
            chunk = read_at(self.log_path, base.offset, limit)
            if not chunk:
                return None
            end = chunk.rfind(b"\n")
            whole_file = len(chunk) < limit
            if final and whole_file:
                take = len(chunk)  # the process is gone: an unterminated line is complete
            elif end >= 0:
                take = end + 1
            elif whole_file:
                return None  # a partial line: wait for the rest
            elif limit < MAX_LINE:
                limit = min(limit * 2, MAX_LINE)  # one long line: read on to its end
                continue
            else:
                take = len(chunk)  # a line past MAX_LINE: cut it rather than stall
            break
        state = base.copy()
        batch = self._parse_lines(state, chunk[:take].splitlines())
        state.offset += take
        batch.more = not whole_file
        batch.state = state
        batch.position = stream_values(state)
        return batch

    def not_stored(self) -> None:
        """The batches collected since the last commit were not stored: forget them."""
        self.state.forget_later_keys()

    def committed(self, batch: Batch) -> None:
        """The batch is stored (or its agent's row is gone): adopt its state, then publish."""
        if batch.state is not None:
            self.state = batch.state
        if not self.orphaned:
            self.announce(batch)

    def _parse_lines(self, state: StreamState, lines: list[bytes]) -> Batch:
        ts = now()
        batch = Batch()
        for raw in lines:
            if not raw.strip():
                continue
            for event in self._parse(state, raw):
                if event is None:
                    batch.stats_changed = True
                    continue
                seq = state.next_seq
                state.next_seq += 1
                data_json = orjson.dumps(event.data).decode()
                batch.rows.append((self.agent_id, seq, event.kind, ts, event.text, data_json))
                batch.published.append(
                    {"seq": seq, "kind": event.kind, "ts": ts, "data": event.data}
                )
        return batch

    def store(self, conn: Connection, batch: Batch) -> None:
        store_batches(conn, [(self, batch)])

    def announce(self, batch: Batch) -> None:
        """Publish a stored batch; only after the commit, so listeners never see unsaved events."""
        if batch.published:
            self._bus.publish(AgentOutput.of(self.agent_id, self.job_id, batch.published))
        if batch.stats_changed:
            publish_agent_stats(self._bus, self._db, self.agent_id, self.stats())
            if self._on_cost is not None:
                self._on_cost(self.state.cost_usd)

    def _parse(self, state: StreamState, raw: bytes) -> list[AgentEvent | None]:
        """Events to store; a None entry means the agent's stats changed."""
        try:
            line = orjson.loads(raw)
        except ValueError:
            text = raw.decode("utf-8", "replace").strip()
            return [AgentEvent("raw", text, {"text": text})]
        if not isinstance(line, dict):
            return [AgentEvent("raw", "", {"line": line})]
        parsed = self.provider.parse_line(line)
        out: list[AgentEvent | None] = list(parsed.events)
        if parsed.session_id and parsed.session_id != state.session_id:
            state.session_id = parsed.session_id
        if parsed.model and state.model is None:
            state.model = parsed.model
        if parsed.model_turns:
            state.num_turns += parsed.model_turns
            out.append(None)
        if parsed.usage is not None and parsed.usage_is_total:
            self._apply_total(state, parsed, parsed.usage)
            out.append(None)
        elif parsed.usage is not None and parsed.usage_key not in state.seen_usage_keys:
            if parsed.usage_key is not None:
                state.count_key(parsed.usage_key)
            state.usage.add(parsed.usage)
            if parsed.turn_completed:
                state.num_turns += 1
            priced = self.provider.price(parsed.model or state.model, parsed.usage)
            if priced is not None:
                state.cost_usd += priced
            out.append(None)
        if parsed.result is not None:
            result = parsed.result
            state.result = result
            if result.cost_usd is not None:
                state.cost_usd = result.cost_usd
            if result.num_turns is not None:
                state.num_turns = result.num_turns
            if result.usage is not None:
                state.usage = result.usage
            out.append(None)
        return out

    def _apply_total(self, state: StreamState, parsed: ParsedLine, total: Usage) -> None:
        """The agent's usage and cost from a session total; see the class docstring."""
        if state.usage_baseline is None:
            state.usage_baseline = self._session_usage_before(state.session_id)
        base = state.usage_baseline
        state.usage = Usage(
            max(0, total.input_tokens - base.input_tokens),
            max(0, total.output_tokens - base.output_tokens),
            max(0, total.cache_read_tokens - base.cache_read_tokens),
            max(0, total.cache_write_tokens - base.cache_write_tokens),
        )
        if parsed.turn_completed and parsed.usage_key not in state.seen_usage_keys:
            state.num_turns += 1
        if parsed.usage_key is not None and parsed.usage_key not in state.seen_usage_keys:
            state.count_key(parsed.usage_key)
        priced = self.provider.price(parsed.model or state.model, state.usage)
        if priced is not None:
            state.cost_usd = priced

    def _session_usage_before(self, session_id: str | None) -> Usage:
        """Usage recorded for the other agents of this agent's session (zero for a new one)."""
        if not session_id:
            return Usage()
        query = select(
            func.coalesce(func.sum(agents.c.input_tokens), 0),
            func.coalesce(func.sum(agents.c.output_tokens), 0),
            func.coalesce(func.sum(agents.c.cache_read_tokens), 0),
            func.coalesce(func.sum(agents.c.cache_write_tokens), 0),
        ).where(
            agents.c.session_id == session_id,
            agents.c.provider == self.provider.name,
            agents.c.id != self.agent_id,
        )
        with self._db.read() as conn:
            row = conn.execute(query).one()
        return Usage(*(int(value) for value in row))

    def stats(self) -> dict[str, Any]:
        """What ingest changes about the agent, as Agent fields."""
        return run_stats(self.state)


def store_batches(conn: Connection, batches: list[tuple[AgentStream, Batch]]) -> None:
    """Store several agents' batches with one INSERT and one UPDATE statement: FTS5 writes a
    segment per statement, so one statement per agent made indexing dearer the more agents
    streamed at once."""
    repository.insert_events(conn, [row for _, batch in batches for row in batch.rows])
    repository.save_streams(conn, [(stream.agent_id, batch.position) for stream, batch in batches])


def stream_values(state: StreamState) -> dict[str, Any]:
    """The agents-row columns that let a restarted server resume a stream from STATE."""
    return {
        "log_offset": state.offset,
        "next_seq": state.next_seq,
        "model": state.model,
        **run_stats(state),
    }


def run_stats(state: StreamState) -> dict[str, Any]:
    """The session, turns, tokens and cost a stream has counted, as agents-row columns."""
    return {
        "session_id": state.session_id,
        "num_turns": state.num_turns,
        "input_tokens": state.usage.input_tokens,
        "output_tokens": state.usage.output_tokens,
        "cache_read_tokens": state.usage.cache_read_tokens,
        "cache_write_tokens": state.usage.cache_write_tokens,
        "cost_usd": state.cost_usd,
    }
