"""MCP tools querying hosted services (Linear, OpenSearch logs, PostgreSQL, GitHub Actions);
thin wrappers over podium.integrations, which owns clients, limits and errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from podium.errors import PodiumError
from podium.integrations import github, linear, opensearch, postgres
from podium.services import Services


async def _answer(call: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return await call
    except PodiumError as exc:
        raise ToolError(exc.message) from exc


def register(server: MCPServer, services: Services) -> None:
    settings = services.settings

    @server.tool()
    async def query_linear(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a GraphQL query against Linear (issues, projects, comments). Returns `data`, and
        `errors` when Linear reports GraphQL errors."""
        return await _answer(linear.query_linear(settings, query, variables))

    @server.tool()
    async def query_logs(
        query: str,
        index: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        """Search logs in OpenSearch with a query_string query (e.g. `level:error AND
        service:api`), newest first. since/until take ISO times or date math like "now-1h";
        limit defaults to 50 (at most 500)."""
        return await _answer(opensearch.query_logs(settings, query, index, since, until, limit))

    @server.tool()
    async def query_db(sql: str, database: str | None = None) -> dict[str, Any]:
        """Run one read-only SQL statement against PostgreSQL (the default database, or a named
        one). Returns columns and rows, capped; writes are refused by the database."""
        return await _answer(postgres.query_db(settings, sql, database))

    @server.tool()
    async def query_ci_logs(
        pr: int | None = None,
        branch: str | None = None,
        run_id: int | None = None,
        repo: str | None = None,
    ) -> dict[str, Any]:
        """GitHub Actions runs for a pull request, a branch or one run id (latest runs
        otherwise), with the log tails of the failed jobs of the newest failed run."""
        return await _answer(github.query_ci_logs(settings, pr, branch, run_id, repo))
