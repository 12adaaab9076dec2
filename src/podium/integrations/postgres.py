"""query_db: read-only SQL against PostgreSQL. The database itself refuses writes (a READ ONLY
transaction, one statement per call), a statement timeout bounds the time, a row cap the size."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from podium.config import Settings
from podium.integrations.common import (
    IntegrationFailed,
    IntegrationNotConfigured,
    fit_list,
    jsonable,
)


def database_url(settings: Settings, database: str | None) -> tuple[str, str]:
    """(name, URL) of the database asked for: the default one, or a QUERY_DB_<NAME>_URL."""
    if database is None or database == "" or database == "default":
        if not settings.query_db_url:
            named = ", ".join(sorted(settings.query_db_urls)) or "none"
            raise IntegrationNotConfigured(
                "query_db", f"QUERY_DB_URL (named databases configured: {named})"
            )
        return "default", settings.query_db_url
    url = settings.query_db_urls.get(database.lower())
    if url is None:
        named = ", ".join(sorted(settings.query_db_urls)) or "none"
        raise IntegrationNotConfigured(
            "query_db", f"QUERY_DB_{database.upper()}_URL (named databases configured: {named})"
        )
    return database.lower(), url


async def query_db(settings: Settings, sql: str, database: str | None = None) -> dict[str, Any]:
    name, url = database_url(settings, database)
    if not sql.strip():
        raise IntegrationFailed("sql must be one SQL statement")
    timeout_ms = settings.query_db_timeout_ms
    try:
        # The statement timeout stops the query in the server; this bounds connecting and the
        # network on top of it.
        async with asyncio.timeout(timeout_ms / 1000 + settings.integration_timeout_sec):
            return await _run(settings, name, url, sql)
    except TimeoutError as exc:
        raise IntegrationFailed(f"query_db on {name!r} did not answer in time") from exc


async def _run(settings: Settings, name: str, url: str, sql: str) -> dict[str, Any]:
    max_rows = settings.query_db_max_rows
    try:
        conn = await psycopg.AsyncConnection.connect(
            url, connect_timeout=max(1, int(settings.integration_timeout_sec)), autocommit=False
        )
    except psycopg.Error as exc:
        raise IntegrationFailed(f"query_db could not connect to {name!r}: {exc}") from exc
    try:
        await conn.set_read_only(True)  # the transaction opens with BEGIN READ ONLY
        async with conn.cursor() as cur:
            # A statement inside the transaction: from here on it cannot be made READ WRITE.
            await cur.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                (str(settings.query_db_timeout_ms),),
            )
            # prepare=True sends one prepared statement: "COMMIT; DROP ..." is refused by the
            # server as multiple commands instead of ending the read-only transaction.
            await cur.execute(sql.encode(), prepare=True)
            if cur.description is None:
                return {"database": name, "columns": [], "rows": [], "status": cur.statusmessage}
            columns = [column.name for column in cur.description]
            fetched = await cur.fetchmany(max_rows + 1)
        rows = [[jsonable(value) for value in row] for row in fetched[:max_rows]]
        result: dict[str, Any] = {
            "database": name,
            "columns": columns,
            "rows": rows,
            "row_count": len(rows),
            "truncated": len(fetched) > max_rows,
        }
        return fit_list(result, "rows", settings.integration_max_chars)
    except pg_errors.QueryCanceled as exc:
        raise IntegrationFailed(
            f"query_db: the statement ran past the {settings.query_db_timeout_ms} ms "
            f"statement timeout and was cancelled ({exc})"
        ) from exc
    except psycopg.Error as exc:
        state = f" [{exc.sqlstate}]" if exc.sqlstate else ""
        raise IntegrationFailed(f"query_db on {name!r} refused{state}: {exc}") from exc
    finally:
        with contextlib.suppress(psycopg.Error):
            await conn.rollback()
        await conn.close()
