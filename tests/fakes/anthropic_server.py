"""The scripted Anthropic Messages API for tests: the demo's server
(:mod:`podium.demo.scripted_anthropic`, whose docstring describes scripts and steps) plus what
only tests use (:mod:`tests.fakes.scripted_controls`): the request log, scripted errors and the
control endpoints.

A step's ``error``: ``{"status": 529, "type": "overloaded_error", "message": "...",
"times": N}``. Claude Code retries 429/5xx/529 itself; a 400 ``invalid_request_error`` fails
fast. With ``reset_in`` a 429 carries ``retry-after`` and ``anthropic-ratelimit-*-reset``.
Claude Code 2.1.197 with an API key waits out a short ``retry-after`` itself
(``system``/``api_retry`` lines), fails at once on a long one, and prints neither the headers
nor the reset time: only ``API Error: Request rejected (429) · <message>``.

Standalone: ``python -m tests.fakes.anthropic_server --port 0 --scripts FILE.json`` prints
``PORT=<n>`` as its first stdout line; ``POST /_scripts/NAME`` (JSON list of steps) adds a
script at run time, ``GET /_requests`` returns the request log, ``DELETE /_requests`` clears it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from podium.demo import scripted_anthropic
from podium.demo.scripted_anthropic import MESSAGES_PATH
from podium.demo.scripted_anthropic import Json as Json
from podium.demo.scripted_anthropic import Step as Step
from podium.demo.scripted_anthropic import marker as marker
from tests.fakes.scripted_controls import ControlledHandler, ControlledServer, run_standalone
from tests.fakes.scripted_controls import RecordedRequest as RecordedRequest


class _Handler(ControlledHandler, scripted_anthropic.MessagesHandler):
    def error_payload(self, error: Json) -> Json:
        return {
            "type": "error",
            "error": {
                "type": error.get("type", "api_error"),
                "message": error.get("message", "scripted error"),
            },
        }

    def reset_headers(self, reset_at: float) -> dict[str, str]:
        """What the Messages API sends with a 429: when each limit resets (RFC 3339), how long
        to wait, and (for subscription plans) the unified limit's reset as epoch seconds."""
        stamp = datetime.fromtimestamp(reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return super().reset_headers(reset_at) | {
            "anthropic-ratelimit-requests-reset": stamp,
            "anthropic-ratelimit-tokens-reset": stamp,
            "anthropic-ratelimit-unified-status": "rejected",
            "anthropic-ratelimit-unified-reset": str(int(reset_at)),
        }


class ScriptedAnthropic(ControlledServer, scripted_anthropic.ScriptedAnthropic):
    """The scripted Messages API server; :attr:`url` is the value for ``ANTHROPIC_BASE_URL``.
    Use as a context manager, or ``start()``/``stop()``."""

    handler_class = _Handler
    api_paths = (MESSAGES_PATH,)


def main(argv: list[str] | None = None) -> None:
    """Run out of process; prints ``PORT=<n>`` first so the parent can connect."""
    run_standalone(ScriptedAnthropic, __doc__, argv)


if __name__ == "__main__":
    main()
