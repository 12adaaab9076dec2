"""One wrapper makes a Podium function an MCP tool: the SDK still sees its real signature and
docstring, and a PodiumError reaches the agent as a tool error carrying its message."""

from __future__ import annotations

import asyncio
from typing import Any

from mcp import Client
from mcp.server.mcpserver import Context, MCPServer

from podium.errors import NotFound
from podium.mcp.tool import podium_tool
from podium.mcp.waiting import heartbeat


def build() -> MCPServer:
    server = MCPServer(name="t")
    tool = podium_tool(server)

    @tool
    async def find_job(job_id: str, ctx: Context[Any, Any], deep: bool = False) -> dict[str, Any]:
        """Find one job."""
        raise NotFound(f"job {job_id} not found")

    @tool
    async def slow(ctx: Context[Any, Any]) -> dict[str, Any]:
        """Wait a little, beating."""
        async with heartbeat(ctx, 0.02, "waiting"):
            await asyncio.sleep(0.15)
        return {"ok": True}

    return server


async def test_the_sdk_reads_the_wrapped_signature() -> None:
    async with Client(build()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    schema = tools["find_job"].input_schema
    assert set(schema["properties"]) == {"job_id", "deep"} and schema["required"] == ["job_id"]
    assert tools["find_job"].description == "Find one job."


async def test_a_podium_error_is_a_tool_error_with_its_message() -> None:
    async with Client(build()) as client:
        result = await client.call_tool("find_job", {"job_id": "job_x"})
    assert result.is_error
    [text] = [getattr(c, "text", "") for c in result.content]
    # Without the wrapper the SDK would hide the message ("Error executing tool find_job").
    assert text == "Error executing tool find_job: job job_x not found"


async def test_a_waiting_tool_reports_progress_to_a_client_that_asks() -> None:
    seen: list[str | None] = []

    async def progress(done: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    async with Client(build()) as client:
        result = await client.call_tool("slow", {}, progress_callback=progress)
    assert not result.is_error and seen and set(seen) == {"still waiting"}
