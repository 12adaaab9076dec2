"""Full-text search over agent output (SQLite FTS5), ranked, with a snippet per hit."""

from __future__ import annotations

from sqlalchemy import text

from podium.db.engine import Database
from podium.schemas import ApiModel


class SearchHit(ApiModel):
    agent_id: str
    job_id: str
    job_title: str
    seq: int
    kind: str
    snippet: str


def fts_query(user_query: str) -> str:
    """Each word becomes a quoted term, so user input can never be FTS5 syntax; a trailing `*`
    on a word keeps its prefix search. FTS5 reads the query as a C string, so a NUL would end
    it inside a quoted term: NULs separate words like spaces do."""
    terms = []
    for word in user_query.replace("\x00", " ").split():
        prefix = word.endswith("*")
        word = word.rstrip("*").replace('"', '""')
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(terms)


# Ranking every match of a common word over millions of lines takes most of a second; ranking
# the newest RANK_WINDOW matches keeps a query in milliseconds and favours recent work.
RANK_WINDOW = 5000

_SEARCH = text(
    """
    SELECT e.agent_id, a.job_id, j.title AS job_title, e.seq, e.kind,
           snippet(agent_events_fts, 0, '[', ']', '…', 16) AS snippet
    FROM agent_events_fts
    JOIN agent_events e ON e.id = agent_events_fts.rowid
    JOIN agents a ON a.id = e.agent_id
    JOIN jobs j ON j.id = a.job_id
    WHERE agent_events_fts MATCH :query
      AND agent_events_fts.rowid >= coalesce((
        SELECT rowid FROM agent_events_fts WHERE agent_events_fts MATCH :query
        ORDER BY rowid DESC LIMIT 1 OFFSET :window - 1), 0)
    ORDER BY agent_events_fts.rank
    LIMIT :limit
    """
)


def search_output(db: Database, user_query: str, limit: int = 50) -> list[SearchHit]:
    query = fts_query(user_query)
    if not query:
        return []
    with db.read() as conn:
        rows = (
            conn.execute(_SEARCH, {"query": query, "limit": limit, "window": RANK_WINDOW})
            .mappings()
            .all()
        )
    return [SearchHit.model_validate(dict(row)) for row in rows]
