"""MCP tools for sub-agents, questions to the user, status and finishing."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from podium.events import wait_for
from podium.jobs.schemas import JobCreate
from podium.jobs.states import TERMINAL
from podium.mcp.identity import caller
from podium.mcp.tool import podium_tool
from podium.mcp.waiting import heartbeat, wait_seconds
from podium.services import Services


def register(server: MCPServer, services: Services) -> None:
    jobs, db = services.jobs, services.db
    beat = services.settings.mcp_heartbeat_sec
    tool = podium_tool(server)

    @tool
    async def create_job(
        description: str,
        ctx: Context[Any, Any],
        title: str | None = None,
        priority: int | None = None,
        work_dir: str | None = None,
        max_turns: int | None = None,
        model: str | None = None,
        depends_on: list[str] | None = None,
    ) -> dict[str, Any]:
        """Start a sub-agent on a task. It inherits your project, work dir and model unless
        given. Returns its job_id; wait for it with wait_for_jobs."""
        me = caller(ctx, db)
        try:
            body = JobCreate(
                description=description,
                title=title,
                priority=0 if priority is None else priority,
                work_dir=work_dir or str(me.job_work_dir),
                max_turns=max_turns,
                model=model or me.model,
                depends_on=depends_on or [],
                parent_job_id=me.job_id,
                project_id=me.project_id,
            )
        except ValueError as exc:  # pydantic's validation of the arguments
            raise ToolError(str(exc)) from exc
        job = jobs.create(body)
        return {"job_id": job.id, "title": job.title, "status": job.status}

    @tool
    async def wait_for_jobs(
        job_ids: list[str], ctx: Context[Any, Any], timeout_ms: int | None = None
    ) -> dict[str, Any]:
        """Block until every listed job has finished (done, failed or cancelled), or until
        timeout_ms (default 5 minutes). Returns each job's status and result; if `all_finished`
        is false, call again to keep waiting."""
        if not job_ids:
            raise ToolError("job_ids must name at least one job")
        for job_id in job_ids:
            jobs.get(job_id)

        def all_finished() -> bool:
            return all(jobs.get(job_id).status in TERMINAL for job_id in job_ids)

        async with heartbeat(ctx, beat, "waiting for jobs"):
            await wait_for(
                services.bus,
                types=frozenset({"job.updated", "job.deleted"}),
                check=all_finished,
                timeout=wait_seconds(timeout_ms, 300_000),
            )
        report = []
        for job_id in job_ids:
            job = jobs.get(job_id)
            report.append(
                {
                    "job_id": job.id,
                    "status": job.status,
                    "result_text": job.result,
                    "reason": job.status_reason,
                }
            )
        return {"all_finished": all(r["status"] in TERMINAL for r in report), "jobs": report}

    @tool
    async def ask_user(
        question: str, ctx: Context[Any, Any], timeout_ms: int | None = None
    ) -> dict[str, Any]:
        """Ask the user and wait for the answer (default up to 30 minutes). Your job shows as
        waiting for an answer on the dashboard meanwhile."""
        me = caller(ctx, db)
        seconds = wait_seconds(timeout_ms, 1_800_000)
        async with heartbeat(ctx, beat, "waiting for the user's answer"):
            answer = await services.questions.ask(
                job_id=me.job_id, agent_id=me.agent_id, question=question, timeout_sec=seconds
            )
        return {"answer": answer}

    @tool
    async def report_status(message: str, ctx: Context[Any, Any]) -> dict[str, Any]:
        """Show a short progress message on your job's dashboard card."""
        me = caller(ctx, db)
        services.reports.report_status(job_id=me.job_id, agent_id=me.agent_id, message=message)
        return {"ok": True}

    @tool
    async def finish_job(ctx: Context[Any, Any], result: str | None = None) -> dict[str, Any]:
        """Mark your job done with this result. Your process is stopped shortly after."""
        me = caller(ctx, db)
        services.reports.finish(job_id=me.job_id, agent_id=me.agent_id, result=result)
        return {"finished": True, "job_id": me.job_id}
