"""The scripted Anthropic Messages API for tests: the demo's server
(:mod:`podium.demo.scripted_anthropic`, whose docstring describes scripts and steps) plus what
only tests use (:mod:`tests.fakes.scripted_controls`): the request log, scripted errors and the
control endpoints.

A step's ``error``: ``{"status": 529, "type": "overloaded_error", "message": "...",
"times": N}``. Claude Code retries 429/5xx/529 itself; a 400 ``invalid_request_error`` fails
fast.

Standalone: ``python -m tests.fakes.anthropic_server --port 0 --scripts FILE.json`` prints
``PORT=<n>`` as its first stdout line; ``POST /_scripts/NAME`` (JSON list of steps) adds a
script at run time, ``GET /_requests`` returns the request log, ``DELETE /_requests`` clears it.
"""

from __future__ import annotations

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
