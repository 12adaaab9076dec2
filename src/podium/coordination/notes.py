"""The shared scratchpad: key/value notes that agents and the dashboard read, write and watch."""

from __future__ import annotations

import builtins
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert

from podium.db.engine import Database
from podium.db.tables import notes
from podium.errors import InvalidInput, NotFound
from podium.events import EventBus, Message, wait_for
from podium.ids import now, to_datetime
from podium.schemas import ApiModel

MAX_KEY = 512
MAX_VALUE = 1_000_000


class Note(ApiModel):
    key: str
    value: str
    updated_by: str | None
    updated_at: Any


class NoteRef(ApiModel):
    key: str


class NoteUpdated(Message):
    type: Literal["note.updated"] = "note.updated"
    data: Note


class NoteDeleted(Message):
    type: Literal["note.deleted"] = "note.deleted"
    data: NoteRef


class NoteWrite(ApiModel):
    value: str = Field(max_length=MAX_VALUE)


class NoteService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus

    def read(self, key: str) -> Note | None:
        with self._db.read() as conn:
            row = conn.execute(select(notes).where(notes.c.key == key)).mappings().first()
        return _schema(row) if row else None

    def get(self, key: str) -> Note:
        note = self.read(key)
        if note is None:
            raise NotFound(f"note {key!r} not found")
        return note

    def list(self, prefix: str | None = None) -> list[Note]:
        query = select(notes).order_by(notes.c.key)
        if prefix:
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(notes.c.key.like(f"{escaped}%", escape="\\"))
        with self._db.read() as conn:
            return [_schema(row) for row in conn.execute(query).mappings()]

    def write(self, key: str, value: str, *, by: str | None) -> Note:
        _check_key(key)
        if len(value) > MAX_VALUE:
            raise InvalidInput(f"note values are limited to {MAX_VALUE} characters", field="value")
        stamp = now()
        values = {"key": key, "value": value, "updated_by": by, "updated_at": stamp}
        with self._db.write() as conn:
            conn.execute(
                insert(notes)
                .values(**values)
                .on_conflict_do_update(index_elements=["key"], set_=values)
            )
        note = Note(key=key, value=value, updated_by=by, updated_at=to_datetime(stamp))
        self._bus.publish(NoteUpdated(data=note))
        return note

    def delete(self, key: str) -> bool:
        with self._db.write() as conn:
            deleted = conn.execute(delete(notes).where(notes.c.key == key)).rowcount > 0
        if deleted:
            self._bus.publish(NoteDeleted(data=NoteRef(key=key)))
        return deleted

    async def watch(
        self,
        *,
        keys: builtins.list[str] | None,
        prefix: str | None,
        until_value: str | None,
        timeout_sec: float,
    ) -> builtins.list[Note]:
        """Wait until the watched notes exist (all of `keys`, or any under `prefix`), and, with
        `until_value`, until one of them holds that value. Empty list on timeout."""
        if not keys and prefix is None:
            raise InvalidInput("watch_notes needs keys or a prefix", field="keys")

        def ready() -> builtins.list[Note]:
            found = [n for key in keys if (n := self.read(key))] if keys else self.list(prefix)
            if keys and len(found) < len(keys):
                return []
            if until_value is not None:
                return [n for n in found if n.value == until_value]
            return found

        result: builtins.list[Note] = await wait_for(
            self._bus, types=frozenset({"note.updated"}), check=ready, timeout=timeout_sec
        )
        return result or []


def _check_key(key: str) -> None:
    if not key.strip():
        raise InvalidInput("note key must not be empty", field="key")
    if len(key) > MAX_KEY:
        raise InvalidInput(f"note keys are limited to {MAX_KEY} characters", field="key")


def _schema(row: Any) -> Note:
    return Note(
        key=row["key"],
        value=row["value"],
        updated_by=row["updated_by"],
        updated_at=to_datetime(row["updated_at"]),
    )
