"""One error type for the service layer; REST turns it into a 4xx body, MCP into a tool error."""

from __future__ import annotations


class PodiumError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str]:
        body = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


class InvalidInput(PodiumError):
    status_code = 422
    code = "invalid"


class NotFound(PodiumError):
    status_code = 404
    code = "not_found"


class Conflict(PodiumError):
    status_code = 409
    code = "conflict"
