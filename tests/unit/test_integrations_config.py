"""Integration settings: named databases come from the environment by prefix, and every tool
without its settings answers with an error naming what to set."""

from __future__ import annotations

import asyncio

import pytest

from podium.config import Settings
from podium.integrations.common import IntegrationNotConfigured, fit_list, fit_text
from podium.integrations.github import query_ci_logs
from podium.integrations.linear import query_linear
from podium.integrations.opensearch import query_logs
from podium.integrations.status import integration_statuses

INTEGRATION_ENV = (
    "LINEAR_API_KEY",
    "OPENSEARCH_URL",
    "OPENSEARCH_USERNAME",
    "OPENSEARCH_AWS_REGION",
    "QUERY_DB_URL",
    "GITHUB_TOKEN",
    "GH_BIN",
)


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in INTEGRATION_ENV:
        monkeypatch.delenv(name, raising=False)
    return Settings(query_db_urls={})


def test_named_databases_are_collected_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUERY_DB_URL", "postgresql://main")
    monkeypatch.setenv("QUERY_DB_BILLING_URL", "postgresql://billing")
    monkeypatch.setenv("QUERY_DB_EU_WEST_URL", "postgresql://eu")
    monkeypatch.setenv("QUERY_DB_TIMEOUT_MS", "500")
    settings = Settings()
    assert settings.query_db_url == "postgresql://main"
    assert settings.query_db_urls == {
        "billing": "postgresql://billing",
        "eu_west": "postgresql://eu",
    }
    assert settings.query_db_timeout_ms == 500


@pytest.mark.parametrize(
    ("call", "needs"),
    [
        (lambda s: query_linear(s, "{ viewer { id } }"), "set LINEAR_API_KEY"),
        (lambda s: query_logs(s, "error"), "set OPENSEARCH_URL"),
        (lambda s: query_ci_logs(s, branch="main", repo="o/r"), "set GITHUB_TOKEN or GH_BIN"),
    ],
)
def test_an_unconfigured_tool_says_what_to_set(bare: Settings, call: object, needs: str) -> None:
    with pytest.raises(IntegrationNotConfigured, match=needs):
        asyncio.run(call(bare))  # type: ignore[operator]


def test_statuses_list_every_integration_without_secrets(bare: Settings) -> None:
    assert [s.configured for s in integration_statuses(bare)] == [False] * 4
    configured = bare.model_copy(
        update={"linear_api_key": "lin_secret_123", "query_db_urls": {"audit": "postgresql://x"}}
    )
    statuses = {s.tool: s for s in integration_statuses(configured)}
    assert statuses["query_linear"].configured and statuses["query_db"].configured
    assert "audit" in statuses["query_db"].detail
    assert "lin_secret_123" not in str([s.model_dump() for s in statuses.values()])


def test_caps_keep_the_head_of_lists_and_the_tail_of_logs() -> None:
    capped = fit_list({"rows": [["x" * 100]] * 100, "truncated": False}, "rows", 1000)
    assert 0 < len(capped["rows"]) < 10 and capped["truncated"] is True
    tail = fit_text("a" * 500 + "THE END", 100)
    assert tail.endswith("THE END") and "407 earlier characters cut" in tail
