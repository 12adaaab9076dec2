"""Starting `podium serve` the way a user does: bad settings and a taken port end it with one
clear line (never a traceback), and a healthy server describes itself (models, OpenAPI)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.support.jobs import wait_job
from tests.support.podium_process import PodiumServer, serve


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("PORT", "not-a-port"),
        ("MAX_CONCURRENT_AGENTS", "-3"),
        ("LOCK_TTL_SEC", "soon"),
        ("SENTRY_DSN", "not-a-dsn"),
    ],
)
def test_bad_setting_is_one_clear_line(tmp_path: Path, setting: str, value: str) -> None:
    done = serve(tmp_path, **{setting: value})
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert lines[0].startswith("podium: invalid settings:")
    assert setting.lower() in lines[0].lower(), lines[0]


def test_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve(tmp_path, MCP_PORT=str(port))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"podium: cannot listen on 127.0.0.1:{port} (MCP_PORT)" in done.stderr, done.stderr


def test_models_and_openapi(api: httpx.Client) -> None:
    models = api.get("/api/models").json()
    ids = {m["id"] for m in models}
    providers = {m["id"]: m["provider"] for m in models}
    assert providers.get("codex") == "codex", models
    assert "claude" in providers.values(), models
    assert "codex-gpt-5.3-codex" in ids, ids
    spec = api.get("/api/openapi.json").json()
    for path in ("/api/jobs", "/api/jobs/{job_id}", "/api/usage", "/api/search", "/api/models"):
        assert path in spec["paths"], sorted(spec["paths"])


def test_a_missing_cli_is_said_at_start_and_its_jobs_fail_clearly(
    make_server: Callable[..., PodiumServer],
) -> None:
    server = make_server(CLAUDE_BIN="/nowhere/claude")
    assert "Claude Code CLI not found (CLAUDE_BIN=/nowhere/claude)" in server.log_text()
    assert "Codex CLI not found" not in server.log_text()  # the pinned one is there
    with server.client() as api:
        job = api.post("/api/jobs", json={"description": "anything", "retryPolicy": "same"})
        failed = wait_job(api, job.json()["id"])
    assert failed["status"] == "failed" and failed["failureKind"] == "launch"
    assert failed["statusReason"].startswith("agent exited with code 127")
    assert "/nowhere/claude" in failed["statusReason"]
    assert failed["statusReason"].endswith("(not retried: a retry cannot fix launch)")
