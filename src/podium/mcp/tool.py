"""How a Podium function becomes an MCP tool: registered on the server, with a PodiumError (the
services' one error type) turned into a ToolError whose message the agent reads and acts on."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from podium.errors import PodiumError

P = ParamSpec("P")
R = TypeVar("R")
ToolFunction = Callable[P, Awaitable[R]]


def podium_tool(server: MCPServer) -> Callable[[ToolFunction[P, R]], ToolFunction[P, R]]:
    """`tool = podium_tool(server)`, then `@tool` on each tool function. The SDK reads the
    function's signature, annotations and docstring through the wrapper (`functools.wraps`)."""

    def register(fn: ToolFunction[P, R]) -> ToolFunction[P, R]:
        @functools.wraps(fn)
        async def call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await fn(*args, **kwargs)
            except PodiumError as exc:
                raise ToolError(exc.message) from exc

        server.tool()(call)
        return call

    return register
