"""The server's own listening sockets: accepted connections must have Nagle off, or every
keep-alive response (REST, MCP, the lock hook) waits for the client's delayed ACK (~40 ms)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from podium.server import listen


async def test_accepted_connections_have_nodelay() -> None:
    seen: list[int] = []

    async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    sock = listen("127.0.0.1", 0, "PORT")
    server = await asyncio.start_server(accepted, sock=sock)
    async with server:
        port = sock.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
    assert seen and seen[0] != 0


def test_a_taken_port_is_one_clear_error() -> None:
    first = listen("127.0.0.1", 0, "PORT")
    try:
        port = first.getsockname()[1]
        with pytest.raises(OSError, match=rf"cannot listen on 127.0.0.1:{port} \(MCP_PORT\)"):
            listen("127.0.0.1", port, "MCP_PORT")
    finally:
        first.close()
