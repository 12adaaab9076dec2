"""The integration tools (query_linear, query_logs, query_db, query_ci_logs) called by the real
Claude Code CLI through Podium's MCP server, against a real PostgreSQL and local servers
speaking Linear's, OpenSearch's and GitHub's APIs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import psycopg
import pytest

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.hosted import HostedFakes, hosted_fakes
from tests.support.jobs import create, tool_results, wait_job
from tests.support.podium_process import PodiumServer
from tests.support.postgres import Postgres, throwaway_postgres

ISSUE_QUERY = "query($id: String!) { issue(id: $id) { identifier title state { name } } }"


@pytest.fixture(scope="module")
def fakes() -> Iterator[HostedFakes]:
    with hosted_fakes() as started:
        yield started


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    with throwaway_postgres() as cluster:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE TABLE items (id int PRIMARY KEY, name text)")
            conn.execute("INSERT INTO items VALUES (1, 'apple'), (2, 'pear')")
        yield cluster


def test_an_agent_calls_every_integration_tool(
    make_server: Callable[..., PodiumServer],
    model: ScriptedAnthropic,
    fakes: HostedFakes,
    pg: Postgres,
) -> None:
    server = make_server(**fakes.env(), QUERY_DB_URL=pg.url())
    marker = model.add_script(
        "integrations",
        [
            {
                "tool": "query_linear",
                "input": {"query": ISSUE_QUERY, "variables": {"id": "ENG-42"}},
            },
            {"tool": "query_logs", "input": {"query": "error", "index": "logs-*", "limit": 1}},
            {"tool": "query_db", "input": {"sql": "SELECT name FROM items ORDER BY id"}},
            {"tool": "query_db", "input": {"sql": "DROP TABLE items"}},
            {"tool": "query_ci_logs", "input": {"pr": 17}},
            {
                "text": "linear={{result:1.data.issue.title}}"
                "|logs={{result:2.hits.0.source.message}}|db={{result:3.rows}}|drop={{result:4}}"
                "|ci={{result:5.failed_jobs.0.failed_steps.0}}"
            },
        ],
    )
    with server.client() as api:
        job = create(api, description=f"look around {marker}")
        done = wait_job(api, job["id"])
        results = tool_results(api, job["id"])
        listed = api.get("/api/integrations")
    assert [(i["tool"], i["configured"]) for i in listed.json()] == [
        ("query_linear", True),
        ("query_logs", True),
        ("query_db", True),
        ("query_ci_logs", True),
    ]
    secrets = ("LINEAR_API_KEY", "OPENSEARCH_PASSWORD", "GITHUB_TOKEN")
    assert not any(fakes.env()[name] in listed.text for name in secrets)
    assert done["status"] == "done", done
    linear, logs, rows, drop, ci = done["result"].split("|")
    assert linear == "linear=Checkout fails on empty cart"
    assert logs == "logs=cart 500"
    assert json.loads(rows.removeprefix("db=")) == [["apple"], ["pear"]]
    assert "read-only transaction" in drop
    assert ci == "ci=Run pytest"
    assert [r["data"]["isError"] for r in results] == [False, False, False, True, False]
    with psycopg.connect(pg.url()) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (2,)
    assert fakes.linear.requests and fakes.opensearch.requests and fakes.github.requests


def test_an_unconfigured_integration_is_a_clear_tool_error(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "unconfigured",
        [
            {"tool": "query_linear", "input": {"query": "{ viewer { id } }"}},
            {"tool": "query_db", "input": {"sql": "SELECT 1"}},
            {"text": "{{result:1}} / {{result:2}}"},
        ],
    )
    job = create(api, description=f"try {marker}")
    done = wait_job(api, job["id"])
    assert done["status"] == "done", done
    said = done["result"]
    assert "query_linear is not configured on this Podium server: set LINEAR_API_KEY" in said, said
    assert "query_db is not configured on this Podium server: set QUERY_DB_URL" in said, said
    assert all(r["data"]["isError"] for r in tool_results(api, job["id"]))
    listed = {i["tool"]: i for i in api.get("/api/integrations").json()}
    assert not listed["query_linear"]["configured"]
    assert "LINEAR_API_KEY" in listed["query_linear"]["settings"]
