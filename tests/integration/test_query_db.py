"""query_db against a real PostgreSQL: reads work, writes are refused by the database itself,
the statement timeout and the row cap hold."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from podium.config import Settings
from podium.integrations.common import IntegrationFailed, IntegrationNotConfigured
from podium.integrations.postgres import query_db
from tests.support.postgres import Postgres, throwaway_postgres


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    with throwaway_postgres() as cluster:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE shop")
            conn.execute("CREATE DATABASE audit")
        with psycopg.connect(cluster.url("shop"), autocommit=True) as conn:
            conn.execute("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric)")
            conn.execute("INSERT INTO items VALUES (1, 'apple', 1.50), (2, 'pear', 2.25)")
        with psycopg.connect(cluster.url("audit"), autocommit=True) as conn:
            conn.execute("CREATE TABLE entries (what text)")
            conn.execute("INSERT INTO entries VALUES ('audit-db')")
        yield cluster


def settings(pg: Postgres, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "QUERY_DB_URL": pg.url("shop"),
        "query_db_urls": {"audit": pg.url("audit")},
    }
    return Settings(**(values | extra))


def run(settings: Settings, sql: str, database: str | None = None) -> dict[str, Any]:
    return asyncio.run(query_db(settings, sql, database))


def item_names(pg: Postgres) -> list[str]:
    with psycopg.connect(pg.url("shop")) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM items ORDER BY id")]


def test_a_select_returns_columns_and_rows(pg: Postgres) -> None:
    result = run(settings(pg), "SELECT id, name, price FROM items ORDER BY id")
    assert result["columns"] == ["id", "name", "price"]
    assert result["rows"] == [[1, "apple", "1.50"], [2, "pear", "2.25"]]
    assert result["truncated"] is False and result["database"] == "default"


def test_a_named_database_is_picked_by_name(pg: Postgres) -> None:
    result = run(settings(pg), "SELECT what FROM entries", "audit")
    assert result["rows"] == [["audit-db"]] and result["database"] == "audit"
    with pytest.raises(IntegrationNotConfigured, match=r"QUERY_DB_BILLING_URL.*audit"):
        run(settings(pg), "SELECT 1", "billing")


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO items VALUES (3, 'plum', 9)",
        "DROP TABLE items",
        "UPDATE items SET name = 'gone'",
        "SET TRANSACTION READ WRITE",
    ],
)
def test_writes_are_refused_by_the_read_only_transaction(pg: Postgres, sql: str) -> None:
    with pytest.raises(
        IntegrationFailed, match=r"read-only transaction|must be set before any query"
    ):
        run(settings(pg), sql)
    assert item_names(pg) == ["apple", "pear"]


def test_a_commit_smuggled_before_a_write_is_refused(pg: Postgres) -> None:
    with pytest.raises(IntegrationFailed, match="multiple commands"):
        run(settings(pg), "COMMIT; DROP TABLE items")
    assert item_names(pg) == ["apple", "pear"]


def test_a_slow_query_hits_the_statement_timeout(pg: Postgres) -> None:
    with pytest.raises(IntegrationFailed, match="300 ms statement timeout"):
        run(settings(pg, QUERY_DB_TIMEOUT_MS=300), "SELECT pg_sleep(20)")


def test_the_row_cap_holds(pg: Postgres) -> None:
    result = run(settings(pg, QUERY_DB_MAX_ROWS=25), "SELECT g FROM generate_series(1, 1000) g")
    assert result["rows"] == [[n] for n in range(1, 26)]
    assert result["truncated"] is True


def test_the_size_cap_holds_on_wide_rows(pg: Postgres) -> None:
    wide = settings(pg, PODIUM_INTEGRATION_MAX_CHARS=5000)
    result = run(wide, "SELECT repeat('x', 1000) FROM generate_series(1, 50)")
    assert 0 < len(result["rows"]) < 5 and result["truncated"] is True


def test_unconfigured_query_db_names_what_to_set() -> None:
    bare = Settings(QUERY_DB_URL=None, query_db_urls={})  # type: ignore[call-arg]
    with pytest.raises(IntegrationNotConfigured, match="set QUERY_DB_URL"):
        asyncio.run(query_db(bare, "SELECT 1"))
