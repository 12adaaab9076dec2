"""Every error leaves as `{"error": {"code", "message", "field"?}}`; bad input is never a 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic.alias_generators import to_camel
from starlette.exceptions import HTTPException

from podium.errors import PodiumError

log = logging.getLogger(__name__)


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"error": error}


def _field_of(location: tuple[Any, ...]) -> str | None:
    parts = [str(part) for part in location if part not in ("body", "query", "path")]
    if not parts:
        return None
    head = parts[0]
    return ".".join([head if "_" not in head else to_camel(head), *parts[1:]])


def install(app: FastAPI) -> None:
    @app.exception_handler(PodiumError)
    async def podium_error(_request: Request, exc: PodiumError) -> JSONResponse:
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        field = _field_of(tuple(first.get("loc", ())))
        message = str(first.get("msg", "invalid request"))
        if first.get("type") == "json_invalid":
            message, field = "request body is not valid JSON", None
        elif first.get("type") == "missing":
            message = f"{field} is required" if field else "a required field is missing"
        elif first.get("type") == "extra_forbidden":
            message = f"unknown field {field}"
        elif field:
            message = f"{field}: {message.removeprefix('Value error, ')}"
        return JSONResponse(error_body("invalid", message, field), status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(
            exc.status_code, "error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal", "internal server error"), status_code=500)
