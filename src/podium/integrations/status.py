"""Which integrations are configured, and what to set for the others (never a secret's value)."""

from __future__ import annotations

from podium.config import Settings
from podium.schemas import ApiModel


class IntegrationStatus(ApiModel):
    name: str
    tool: str
    configured: bool
    settings: list[str]
    detail: str


def integration_statuses(settings: Settings) -> list[IntegrationStatus]:
    named = sorted(settings.query_db_urls)
    opensearch_auth = (
        f"AWS SigV4 ({settings.opensearch_aws_region})"
        if settings.opensearch_aws_region
        else "basic auth"
        if settings.opensearch_username
        else "no auth"
    )
    github_via = "REST API token" if settings.github_token else "gh CLI" if settings.gh_bin else ""
    return [
        IntegrationStatus(
            name="Linear",
            tool="query_linear",
            configured=bool(settings.linear_api_key),
            settings=["LINEAR_API_KEY", "LINEAR_API_URL"],
            detail="GraphQL queries against Linear",
        ),
        IntegrationStatus(
            name="OpenSearch",
            tool="query_logs",
            configured=bool(settings.opensearch_url),
            settings=[
                "OPENSEARCH_URL",
                "OPENSEARCH_USERNAME",
                "OPENSEARCH_PASSWORD",
                "OPENSEARCH_AWS_REGION",
            ],
            detail=f"log search, {opensearch_auth}" if settings.opensearch_url else "log search",
        ),
        IntegrationStatus(
            name="PostgreSQL",
            tool="query_db",
            configured=bool(settings.query_db_url or named),
            settings=["QUERY_DB_URL", "QUERY_DB_<NAME>_URL"],
            detail="read-only SQL" + (f"; named databases: {', '.join(named)}" if named else ""),
        ),
        IntegrationStatus(
            name="GitHub Actions",
            tool="query_ci_logs",
            configured=bool(settings.github_token or settings.gh_bin),
            settings=["GITHUB_TOKEN", "GH_BIN", "GITHUB_REPO"],
            detail="CI runs and failed jobs' logs" + (f" via {github_via}" if github_via else ""),
        ),
    ]
