"""query_linear: a GraphQL request to Linear's API; the answer's data, or its GraphQL errors."""

from __future__ import annotations

import json
from typing import Any

import httpx

from podium.config import Settings
from podium.integrations.common import IntegrationFailed, IntegrationNotConfigured, size


async def query_linear(
    settings: Settings, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    if not settings.linear_api_key:
        raise IntegrationNotConfigured("query_linear", "LINEAR_API_KEY")
    if not query.strip():
        raise IntegrationFailed("query must be a GraphQL query")
    try:
        async with httpx.AsyncClient(timeout=settings.integration_timeout_sec) as client:
            response = await client.post(
                settings.linear_api_url,
                json={"query": query, "variables": variables or {}},
                # Linear takes a personal API key as the bare Authorization value.
                headers={"Authorization": settings.linear_api_key},
            )
    except httpx.HTTPError as exc:
        raise IntegrationFailed(f"Linear could not be reached: {exc!r}") from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        raise IntegrationFailed(
            f"Linear answered HTTP {response.status_code}: {response.text[:500]}"
        )
    result: dict[str, Any] = {"data": body.get("data")}
    if body.get("errors"):
        result["errors"] = body["errors"]
    if size(result) > settings.integration_max_chars:
        text = json.dumps(result, ensure_ascii=False)
        cut = settings.integration_max_chars - 200
        return {"truncated": True, "json_head": text[:cut], "total_chars": len(text)}
    return result
