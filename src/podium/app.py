"""create_app(settings): wires services, background tasks, routers and the built dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from podium.api import errors, terminal, ws
from podium.api.messages import openapi_with_messages
from podium.api.routes import (
    agents,
    backups,
    coordination,
    insights,
    integrations,
    jobs,
    projects,
)
from podium.api.routes import settings as settings_routes
from podium.api.security import RequestGuard
from podium.api.strict_json import RejectNonFiniteJson
from podium.config import PROJECT_ROOT, Settings
from podium.services import Services

WEB_DIST = PROJECT_ROOT / "web" / "dist"


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    services = services or Services.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.close()

    app = FastAPI(
        title="Podium",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = services
    app.openapi = lambda: openapi_with_messages(app)  # type: ignore[method-assign]
    errors.install(app)
    for router in (
        jobs.router,
        agents.router,
        settings_routes.router,
        integrations.router,
        backups.router,
        projects.router,
        insights.router,
        coordination.router,
        ws.router,
        terminal.router,
    ):
        app.include_router(router)
    _mount_dashboard(app, WEB_DIST)
    app.add_middleware(RejectNonFiniteJson)
    app.add_middleware(
        RequestGuard,
        bind_host=settings.host,
        port=settings.port,
        auth_token=settings.auth_token,
    )
    return app


def _mount_dashboard(app: FastAPI, dist: Path) -> None:
    """Serve the built dashboard at / (single-page app: unknown paths get index.html)."""
    index = dist / "index.html"
    root = dist.resolve()
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    async def dashboard(path: str) -> FileResponse | JSONResponse:
        if path.startswith(("api/", "ws")):
            return JSONResponse(
                {"error": {"code": "not_found", "message": f"/{path} not found"}}, 404
            )
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index)
        return JSONResponse(
            {"error": {"code": "no_dashboard", "message": "dashboard not built: run make run"}},
            404,
        )
