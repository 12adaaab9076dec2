"""MCP tools for file locks and the notes scratchpad."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from podium.coordination.locks import normalise_path
from podium.mcp.identity import caller
from podium.mcp.tool import podium_tool
from podium.mcp.waiting import heartbeat, wait_seconds
from podium.services import Services


def register(server: MCPServer, services: Services) -> None:
    locks, notes, db = services.locks, services.notes, services.db
    beat = services.settings.mcp_heartbeat_sec
    tool = podium_tool(server)

    @tool
    async def lock_files(
        files: list[str], reason: str, ctx: Context[Any, Any], timeout_ms: int | None = None
    ) -> dict[str, Any]:
        """Take exclusive locks on files before editing them. Waits until every file is free
        (all or nothing), up to timeout_ms (default 5 minutes). Fails at once with "deadlock" if
        waiting would close a cycle of agents waiting on each other: release and retry."""
        me = caller(ctx, db)
        if not files:
            raise ToolError("files must name at least one file")
        paths = [normalise_path(path, me.work_dir) for path in files]
        async with heartbeat(ctx, beat, "waiting for file locks"):
            taken = await locks.acquire(
                me.agent_id, me.job_id, paths, reason, wait_seconds(timeout_ms, 300_000)
            )
        return {
            "locked": [lock.path for lock in taken],
            "expires_at": min(lock.expires_at for lock in taken).isoformat(),
        }

    @tool
    async def release_files(files: list[str], ctx: Context[Any, Any]) -> dict[str, Any]:
        """Release locks you hold, as soon as you are done with the files."""
        me = caller(ctx, db)
        paths = [normalise_path(path, me.work_dir) for path in files]
        released = locks.release(me.agent_id, paths)
        return {"released": released, "not_held": sorted(set(paths) - set(released))}

    @tool
    async def check_file_locks(ctx: Context[Any, Any]) -> dict[str, Any]:
        """Every file lock currently held, by whom and why."""
        me = caller(ctx, db)
        held = [
            {
                "path": lock.path,
                "agent_id": lock.agent_id,
                "job_id": lock.job_id,
                "reason": lock.reason,
                "expires_at": lock.expires_at.isoformat(),
                "mine": lock.agent_id == me.agent_id,
            }
            for lock in locks.list()
        ]
        return {"locks": held}

    @tool
    async def read_note(key: str) -> dict[str, Any]:
        """Read a shared note; `exists` is false when nobody wrote it yet."""
        note = notes.read(key)
        if note is None:
            return {"key": key, "exists": False, "value": None}
        return {"key": key, "exists": True, "value": note.value}

    @tool
    async def write_note(key: str, value: str, ctx: Context[Any, Any]) -> dict[str, Any]:
        """Write a shared note (namespaced keys like "results/step1" avoid collisions)."""
        me = caller(ctx, db)
        note = notes.write(key, value, by=me.agent_id)
        return {"key": note.key, "written": True}

    @tool
    async def list_notes(prefix: str | None = None) -> dict[str, Any]:
        """Notes whose key starts with prefix (all notes without one)."""
        found = notes.list(prefix)
        return {
            "notes": [{"key": n.key, "value": n.value, "updated_by": n.updated_by} for n in found]
        }

    @tool
    async def delete_note(key: str) -> dict[str, Any]:
        """Delete a shared note."""
        return {"key": key, "deleted": notes.delete(key)}

    @tool
    async def watch_notes(
        ctx: Context[Any, Any],
        keys: list[str] | None = None,
        prefix: str | None = None,
        until_value: str | None = None,
        timeout_ms: int | None = None,
    ) -> dict[str, Any]:
        """Block until the notes exist (all of keys, or any under prefix) and, with until_value,
        until one holds that value. Wakes the moment a matching note is written; use it instead
        of polling read_note. Default timeout 60 s."""
        async with heartbeat(ctx, beat, "watching notes"):
            found = await notes.watch(
                keys=keys,
                prefix=prefix,
                until_value=until_value,
                timeout_sec=wait_seconds(timeout_ms, 60_000),
            )
        return {
            "timed_out": not found,
            "notes": [{"key": n.key, "value": n.value} for n in found],
        }
