"""Per-agent MCP credentials: a random token handed to one agent run, stored only as a hash,
valid while that run lives (revoked when it ends, however it ends)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert

from podium.db.engine import Database
from podium.db.tables import agent_credentials
from podium.ids import now


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentCredentials:
    def __init__(self, db: Database) -> None:
        self._db = db
        # hash -> agent id of the credentials seen by this process: every MCP call and hook
        # call checks one, so the database is asked only the first time (or after a restart).
        self._known: dict[str, str] = {}

    def issue(self, agent_id: str) -> str:
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        values = {"agent_id": agent_id, "token_hash": digest, "created_at": now()}
        with self._db.write() as conn:
            conn.execute(
                insert(agent_credentials)
                .values(**values)
                .on_conflict_do_update(index_elements=["agent_id"], set_=values)
            )
        self._forget(agent_id)
        self._known[digest] = agent_id
        return token

    def revoke(self, agent_id: str) -> None:
        """The run ended: its token opens nothing any more (a leftover child process included)."""
        with self._db.write() as conn:
            conn.execute(delete(agent_credentials).where(agent_credentials.c.agent_id == agent_id))
        self._forget(agent_id)

    def _forget(self, agent_id: str) -> None:
        for digest in [d for d, known in self._known.items() if known == agent_id]:
            del self._known[digest]

    def agent_for(self, token: str) -> str | None:
        if not token:
            return None
        digest = _digest(token)
        known = self._known.get(digest)
        if known is not None:
            return known
        with self._db.read() as conn:
            row = conn.execute(
                select(agent_credentials.c.agent_id).where(agent_credentials.c.token_hash == digest)
            ).first()
        if row is None:
            return None
        self._known[digest] = str(row[0])
        return str(row[0])
