"""query_linear, query_logs and query_ci_logs through their real clients (httpx,
opensearch-py) against local servers speaking Linear's, OpenSearch's and GitHub's APIs."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podium.config import Settings
from podium.integrations.common import IntegrationFailed
from podium.integrations.github import query_ci_logs
from podium.integrations.linear import query_linear
from podium.integrations.opensearch import query_logs
from tests.fakes.gh_stub import write_gh_stub
from tests.support.hosted import GITHUB_TOKEN, REPO, HostedFakes, hosted_fakes

ISSUE_QUERY = "query($id: String!) { issue(id: $id) { identifier title state { name } } }"


@pytest.fixture(scope="module")
def fakes() -> Iterator[HostedFakes]:
    with hosted_fakes() as started:
        yield started


def settings(fakes: HostedFakes, **extra: Any) -> Settings:
    return Settings(**(fakes.env() | extra))


def test_linear_returns_the_data(fakes: HostedFakes) -> None:
    result = asyncio.run(query_linear(settings(fakes), ISSUE_QUERY, {"id": "ENG-42"}))
    assert result == {
        "data": {
            "issue": {
                "id": "9f1c0a52-0000-4000-8000-000000000042",
                "identifier": "ENG-42",
                "title": "Checkout fails on empty cart",
                "state": {"name": "In Progress"},
            }
        }
    }
    sent = fakes.linear.requests[-1]
    assert sent["headers"]["authorization"] == fakes.env()["LINEAR_API_KEY"]


def test_linear_graphql_errors_come_back_as_errors(fakes: HostedFakes) -> None:
    bad = asyncio.run(query_linear(settings(fakes), "{ issue(id: 1) { bogus } }"))
    assert bad["data"] is None
    assert bad["errors"][0]["message"] == 'Cannot query field "bogus" on type "Issue".'
    refused = asyncio.run(query_linear(settings(fakes, LINEAR_API_KEY="wrong"), ISSUE_QUERY))
    assert refused["errors"][0]["extensions"]["code"] == "AUTHENTICATION_ERROR"


def test_logs_search_with_basic_auth_newest_first(fakes: HostedFakes) -> None:
    result = asyncio.run(
        query_logs(settings(fakes), "error", index="logs-*", since="2026-12-03T08:30:00Z")
    )
    assert result["total"] == 2
    assert [hit["source"]["message"] for hit in result["hits"]] == ["cart 500", "db timeout"]
    sent = fakes.opensearch.requests[-1]
    assert sent["path"] == "/logs-*/_search"
    expected = base64.b64encode(b"reader:reader-pw").decode()
    assert sent["headers"]["authorization"] == f"Basic {expected}"


def test_logs_search_signed_with_sigv4_from_the_aws_chain(
    fakes: HostedFakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    signed = settings(fakes, OPENSEARCH_AWS_REGION="eu-west-1")
    result = asyncio.run(query_logs(signed, "cart", index="logs-api", limit=1))
    assert [hit["source"]["message"] for hit in result["hits"]] == ["cart 500"]
    auth = fakes.opensearch.requests[-1]["headers"]["authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/es/aws4_request" in auth


def test_logs_search_on_a_missing_index_is_a_clear_error(fakes: HostedFakes) -> None:
    with pytest.raises(IntegrationFailed, match=r"HTTP 404.*no such index \[nope\]"):
        asyncio.run(query_logs(settings(fakes), "error", index="nope"))


def test_ci_logs_for_a_pr_give_the_failed_jobs_log_tail(fakes: HostedFakes) -> None:
    result = asyncio.run(query_ci_logs(settings(fakes), pr=17))
    assert [run["id"] for run in result["runs"]] == [903]
    assert result["failed_run_id"] == 903
    [job] = result["failed_jobs"]
    assert job["name"] == "tests (3.11)" and job["failed_steps"] == ["Run pytest"]
    assert job["log_tail"].endswith("KeyError: 'total'")
    assert len(job["log_tail"]) <= 20_100, "the log is tail-capped"
    storage = next(r for r in fakes.github.requests if r["path"] == "/_storage/logs/7001")
    assert "authorization" not in storage["headers"], "the token stays on GitHub's origin"


def test_ci_logs_by_branch_and_by_run_id(fakes: HostedFakes) -> None:
    by_branch = asyncio.run(query_ci_logs(settings(fakes), branch="fix-cart", repo=REPO))
    assert [run["id"] for run in by_branch["runs"]] == [903, 902]
    by_run = asyncio.run(query_ci_logs(settings(fakes), run_id=902))
    assert by_run["runs"][0]["conclusion"] == "success" and by_run["failed_jobs"] == []


def test_ci_logs_with_a_bad_token_say_so(fakes: HostedFakes) -> None:
    with pytest.raises(IntegrationFailed, match=r"HTTP 401.*Bad credentials"):
        asyncio.run(query_ci_logs(settings(fakes, GITHUB_TOKEN="nope"), branch="main"))


def test_ci_logs_through_the_gh_cli_when_no_token_is_set(
    fakes: HostedFakes, tmp_path: Path
) -> None:
    gh = write_gh_stub(tmp_path, fakes.github.url, GITHUB_TOKEN)
    through_gh = settings(fakes, GITHUB_TOKEN=None, GH_BIN=str(gh))
    result = asyncio.run(query_ci_logs(through_gh, branch="main"))
    assert [run["id"] for run in result["runs"]] == [901] and result["failed_run_id"] == 901
    sent = [r for r in fakes.github.requests if r["path"].endswith("/actions/runs")][-1]
    assert sent["query"] == {"per_page": "10", "branch": "main"}
    with pytest.raises(IntegrationFailed, match=r"gh api .* failed: gh: Not Found \(HTTP 404\)"):
        asyncio.run(query_ci_logs(through_gh, run_id=1234))
