"""query_logs: a search in OpenSearch through opensearch-py, with basic auth or AWS SigV4 signed
from the standard AWS credential chain (environment, profiles, SSO) when a region is set."""

from __future__ import annotations

import asyncio
from typing import Any

import botocore.session
from opensearchpy import OpenSearch, RequestsAWSV4SignerAuth, RequestsHttpConnection
from opensearchpy.exceptions import ConnectionError as SearchConnectionError
from opensearchpy.exceptions import OpenSearchException, TransportError

from podium.config import Settings
from podium.integrations.common import (
    IntegrationFailed,
    IntegrationNotConfigured,
    fit_list,
    jsonable,
)

MAX_HITS = 500


def _auth(settings: Settings) -> Any:
    if settings.opensearch_aws_region:
        credentials = botocore.session.Session().get_credentials()
        if credentials is None:
            raise IntegrationNotConfigured(
                "query_logs",
                "AWS credentials (AWS_PROFILE, an SSO login, or AWS_ACCESS_KEY_ID/"
                "AWS_SECRET_ACCESS_KEY): OPENSEARCH_AWS_REGION asks for SigV4 signing",
            )
        return RequestsAWSV4SignerAuth(
            credentials, settings.opensearch_aws_region, settings.opensearch_aws_service
        )
    if settings.opensearch_username:
        return (settings.opensearch_username, settings.opensearch_password or "")
    return None


def client(settings: Settings) -> OpenSearch:
    if not settings.opensearch_url:
        raise IntegrationNotConfigured("query_logs", "OPENSEARCH_URL")
    return OpenSearch(
        hosts=[settings.opensearch_url],
        http_auth=_auth(settings),
        connection_class=RequestsHttpConnection,
        timeout=settings.integration_timeout_sec,
        max_retries=0,
    )


def search_body(
    settings: Settings, query: str, since: str | None, until: str | None, limit: int
) -> dict[str, Any]:
    """A query_string search, newest first; since/until take ISO times or date math (now-1h)."""
    filters: list[dict[str, Any]] = []
    if since or until:
        bounds = {op: value for op, value in (("gte", since), ("lte", until)) if value}
        filters.append({"range": {settings.opensearch_time_field: bounds}})
    return {
        "query": {"bool": {"must": [{"query_string": {"query": query}}], "filter": filters}},
        "size": limit,
        "sort": [{settings.opensearch_time_field: {"order": "desc", "unmapped_type": "date"}}],
    }


def _search(settings: Settings, index: str, body: dict[str, Any]) -> dict[str, Any]:
    search = client(settings)
    try:
        answer: dict[str, Any] = search.search(index=index, body=body)
        return answer
    finally:
        search.close()


async def query_logs(
    settings: Settings,
    query: str,
    index: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    size = min(max(limit if limit is not None else 50, 1), MAX_HITS)
    body = search_body(settings, query or "*", since, until, size)
    target = index or settings.opensearch_index
    try:
        # In a thread: the AWS credential chain may refresh an SSO token over the network too.
        answer = await asyncio.to_thread(_search, settings, target, body)
    except SearchConnectionError as exc:
        raise IntegrationFailed(f"OpenSearch could not be reached: {exc}") from exc
    except TransportError as exc:
        raise IntegrationFailed(
            f"OpenSearch refused the search on {target!r} (HTTP {exc.status_code}): {exc.info}"
        ) from exc
    except OpenSearchException as exc:
        raise IntegrationFailed(f"OpenSearch search failed: {exc}") from exc
    hits = answer.get("hits", {})
    total = hits.get("total")
    result: dict[str, Any] = {
        "index": target,
        "total": total.get("value") if isinstance(total, dict) else total,
        "hits": [
            {
                "index": hit.get("_index"),
                "id": hit.get("_id"),
                "source": jsonable(hit.get("_source")),
            }
            for hit in hits.get("hits", [])
        ],
        "truncated": False,
    }
    return fit_list(result, "hits", settings.integration_max_chars)
