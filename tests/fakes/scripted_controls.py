"""What only tests need from a scripted model server, layered on the demo's
(:mod:`podium.demo.scripted_http`): the request log, scripted errors with their ``times``
countdown, the control endpoints and running standalone.

Control endpoints, not logged: ``GET /_requests`` (the request log), ``DELETE /_requests``
(clears it), ``GET /_scripts``, ``POST /_scripts/NAME`` (JSON list of steps; answers the
marker). Any other request is logged and handed to the API.

A step's ``error`` (``{"status": 529, "type": "overloaded_error", "message": "...",
"times": N}``) answers with an HTTP error instead of the reply; with ``times`` only the first N
requests reaching that step fail (to test retries), without it every one does. ``headers``
adds response headers; ``reset_in`` (seconds) adds the API's rate-limit reset headers and fills
``{{reset_epoch}}`` in the message with that moment in epoch seconds.

Usage: ``class Handler(ControlledHandler, TheApiHandler)`` with the API's ``error_payload``, and
``class Server(ControlledServer, TheApiServer)`` with ``handler_class = Handler`` and
``api_paths`` (the model endpoint, which :attr:`ControlledServer.requests` reports).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import signal
import sys
import threading
import time
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from podium.demo.scripted_http import Json, ScriptedHandler, ScriptedServer, Step


@dataclass
class RecordedRequest:
    """One request as received; the log lets tests assert on what the CLI really sent."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    script: str | None = None
    step: int | None = None
    at: float = field(default_factory=time.time)

    def to_json(self) -> Json:
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "body": self.body,
            "script": self.script,
            "step": self.step,
            "at": self.at,
        }


class ControlledHandler(ScriptedHandler):
    """Logs each API request, serves the control endpoints and plays scripted errors."""

    server: Any  # the HTTP server; its ``owner`` is a ControlledServer
    entry: RecordedRequest | None = None  # the request being answered (one at a time)

    @abstractmethod
    def error_payload(self, error: Json) -> Json:
        """The API's error body for a step's scripted ``error``."""

    def intercept(self, step: Step, script: str | None, index: int | None) -> bool:
        if self.entry is not None:
            self.entry.script, self.entry.step = script, index
        error = step.get("error")
        if error and self.server.owner.should_fail(script, index, error):
            error, headers = self.timed_error(error)
            self.send_json(int(error.get("status", 500)), self.error_payload(error), headers)
            return True
        return False

    def timed_error(self, error: Json) -> tuple[Json, dict[str, str]]:
        """A scripted error as answered now, and its headers (see the module docstring)."""
        headers = {str(k): str(v) for k, v in (error.get("headers") or {}).items()}
        if error.get("reset_in") is None:
            return error, headers
        reset_at = time.time() + float(error["reset_in"])
        message = str(error.get("message", "")).replace("{{reset_epoch}}", str(int(reset_at)))
        return {**error, "message": message}, self.reset_headers(reset_at) | headers

    def reset_headers(self, reset_at: float) -> dict[str, str]:
        """The headers by which the API says when a limit resets (epoch seconds RESET_AT)."""
        return {"retry-after": str(max(0, math.ceil(reset_at - time.time())))}

    def _record(self, method: str, body: Any) -> None:
        self.entry = RecordedRequest(method, self.path, dict(self.headers.items()), body)
        self.server.owner.record(self.entry)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        owner: ControlledServer = self.server.owner
        if path == "/_requests":
            self.send_json(200, [r.to_json() for r in owner.log])
        elif path == "/_scripts":
            self.send_json(200, owner.scripts)
        else:
            self._record("GET", None)
            super().do_GET()

    def do_DELETE(self) -> None:
        if urlsplit(self.path).path == "/_requests":
            self.server.owner.clear_requests()
            self.send_json(200, {"ok": True})
        else:
            self.not_found()

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._read_body()
        if not path.startswith("/_scripts/"):
            self._record("POST", body)
            self.api_post(path, body)
        elif isinstance(body, list):
            name = path.removeprefix("/_scripts/")
            self.send_json(200, {"marker": self.server.owner.add_script(name, body)})
        else:
            self.send_json(400, {"error": "body must be a JSON list of steps"})


class ControlledServer(ScriptedServer):
    """Keeps the request log and the scripted errors' countdowns."""

    api_paths: ClassVar[tuple[str, ...]]

    def __init__(self, port: int = 0, scripts: dict[str, list[Step]] | None = None) -> None:
        self._log: list[RecordedRequest] = []
        self._failures: dict[tuple[str | None, int | None], int] = {}
        super().__init__(port, scripts)

    @property
    def scripts(self) -> dict[str, list[Step]]:
        with self._lock:
            return copy.deepcopy(self._scripts)

    def should_fail(self, name: str | None, index: int | None, error: Json) -> bool:
        """Whether a step's scripted error applies to this request (``times`` counts down)."""
        if "times" not in error:
            return True
        with self._lock:
            seen = self._failures.get((name, index), 0)
            self._failures[(name, index)] = seen + 1
        return seen < int(error["times"])

    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    @property
    def log(self) -> list[RecordedRequest]:
        """Every request received on the API paths, oldest first (a snapshot)."""
        with self._lock:
            return list(self._log)

    @property
    def requests(self) -> list[Json]:
        """Bodies of the POSTs to the model endpoint (``api_paths``), oldest first (a snapshot)."""
        return [
            r.body
            for r in self.log
            if r.method == "POST" and urlsplit(r.path).path in self.api_paths
        ]

    def requests_for(self, name: str) -> list[Json]:
        """Bodies of the model requests that followed script NAME."""
        return [
            r.body for r in self.log if r.script == name and urlsplit(r.path).path in self.api_paths
        ]

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()


def run_standalone(
    server_class: type[ControlledServer], doc: str | None, argv: list[str] | None = None
) -> None:
    """Serve until SIGTERM; prints ``PORT=<n>`` first so the parent process can connect."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0] if doc else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--scripts", help="JSON file: {name: [step, ...]}")
    args = parser.parse_args(argv)
    scripts: dict[str, list[Step]] = {}
    if args.scripts:
        with open(args.scripts, encoding="utf-8") as f:
            scripts = json.load(f)
    server = server_class(args.port, scripts).start()
    print(f"PORT={server.port}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    sys.exit(0)
