"""Optional error tracking: with SENTRY_DSN set, Podium's own failures (exceptions in requests,
errors it logs) are reported to Sentry. Nothing that could carry a credential or a user's
content goes with them: request headers, cookies, query strings and bodies are dropped from
every event before it leaves, stack frames carry no local variables (the request guard holds the
headers, with `Bearer <AUTH_TOKEN>`, in one), and database errors never quote the values of the
statement that failed (the engine hides them)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from podium.config import Settings

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

_REQUEST_PARTS_DROPPED = ("headers", "cookies", "query_string", "data", "env")


def start_error_tracking(settings: Settings) -> bool:
    """Start the Sentry client when SENTRY_DSN is set; True if it was started."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        release=_release(),
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=strip_request_details,
    )
    return True


def strip_request_details(event: Event, _hint: Hint) -> Event:
    """Keep which request failed (method, path), drop everything that could hold a token
    (AUTH_TOKEN travels in a header or, for WebSockets, in the query string; agents' MCP
    credentials in headers) or user content."""
    _drop_frame_variables(event)
    request: Any = event.get("request")
    if isinstance(request, dict):
        for part in _REQUEST_PARTS_DROPPED:
            request.pop(part, None)
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
    return event


def _drop_frame_variables(event: Event) -> None:
    """Local variables are off at the client; this holds for events built any other way too."""
    for section in ("exception", "threads"):
        container: Any = event.get(section)
        values = container.get("values") if isinstance(container, dict) else None
        for value in values or []:
            frames = (value.get("stacktrace") or {}).get("frames") or []
            for frame in frames:
                frame.pop("vars", None)


def _release() -> str | None:
    try:
        return f"podium@{version('podium')}"
    except PackageNotFoundError:
        return None
