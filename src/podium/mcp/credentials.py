"""Per-agent MCP credentials: a random token handed to one agent run, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from podium.db.engine import Database
from podium.db.tables import agent_credentials
from podium.ids import now


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentCredentials:
    def __init__(self, db: Database) -> None:
        self._db = db

    def issue(self, agent_id: str) -> str:
        token = secrets.token_urlsafe(32)
        values = {"agent_id": agent_id, "token_hash": _digest(token), "created_at": now()}
        with self._db.write() as conn:
            conn.execute(
                insert(agent_credentials)
                .values(**values)
                .on_conflict_do_update(index_elements=["agent_id"], set_=values)
            )
        return token

    def agent_for(self, token: str) -> str | None:
        if not token:
            return None
        with self._db.read() as conn:
            row = conn.execute(
                select(agent_credentials.c.agent_id).where(
                    agent_credentials.c.token_hash == _digest(token)
                )
            ).first()
        return str(row[0]) if row else None
