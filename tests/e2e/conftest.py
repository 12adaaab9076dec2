"""Fixtures for end-to-end tests: the real server, the real CLIs, a scripted model."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.fakes.openai_server import ScriptedOpenAI
from tests.support.podium_process import (
    REPO_ROOT,
    PodiumServer,
    agent_env,
    init_git_repo,
    wait_until,
)
from tests.support.terminal_viewer import Viewer

CLAUDE_BIN = REPO_ROOT / "node_modules" / ".bin" / "claude"
CODEX_BIN = REPO_ROOT / "node_modules" / ".bin" / "codex"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def model() -> Iterator[ScriptedAnthropic]:
    if not CLAUDE_BIN.exists():
        pytest.fail("the pinned claude CLI is missing: run `make test` (npm ci) first")
    with ScriptedAnthropic() as server:
        yield server


@pytest.fixture(scope="session")
def openai_model() -> Iterator[ScriptedOpenAI]:
    """The scripted OpenAI Responses API that Codex agents talk to."""
    if not CODEX_BIN.exists():
        pytest.fail("the pinned codex CLI is missing: run `make test` (npm ci) first")
    with ScriptedOpenAI() as server:
        yield server


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_git_repo(tmp_path / "repo")


@pytest.fixture
def make_server(
    tmp_path: Path, model: ScriptedAnthropic, repo: Path
) -> Iterator[Callable[..., PodiumServer]]:
    servers: list[PodiumServer] = []
    home = tmp_path / "home"
    home.mkdir()

    def make(**extra_env: str) -> PodiumServer:
        env = agent_env(home, model.url) | extra_env
        server = PodiumServer(tmp_path / f"data{len(servers)}", env, cwd=repo)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()
        _kill_leftover_agents(server)


def _kill_leftover_agents(server: PodiumServer) -> None:
    import os
    import signal
    import sqlite3

    db = server.data_dir / "orchestrator.db"
    if not db.exists():
        return
    with sqlite3.connect(db) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM agents WHERE pid IS NOT NULL")]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


@pytest.fixture
def server(make_server: Callable[..., PodiumServer]) -> PodiumServer:
    return make_server()


@pytest.fixture
def codex_server(
    make_server: Callable[..., PodiumServer], openai_model: ScriptedOpenAI, tmp_path: Path
) -> PodiumServer:
    """A server whose Codex agents use the scripted OpenAI server and a private CODEX_HOME."""
    codex_home = tmp_path / "codex-home"
    codex_home.mkdir(exist_ok=True)
    return make_server(OPENAI_BASE_URL=openai_model.url, CODEX_HOME=str(codex_home))


@pytest.fixture
def codex_api(codex_server: PodiumServer) -> Iterator[httpx.Client]:
    with codex_server.client() as client:
        yield client


@pytest.fixture
def api(server: PodiumServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def wait_job(
    api: httpx.Client,
    job_id: str,
    statuses: tuple[str, ...] = ("done", "failed", "cancelled"),
    timeout: float = 90,
) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        job: dict[str, Any] = api.get(f"/api/jobs/{job_id}").json()
        return job if job["status"] in statuses else None

    result: dict[str, Any] = wait_until(check, timeout=timeout, what=f"job {job_id} in {statuses}")
    return result


@pytest.fixture
def viewers() -> Iterator[list[Viewer]]:
    """Terminal viewers a test opened; closed when it ends, pass or fail."""
    opened: list[Viewer] = []
    yield opened
    for viewer in opened:
        viewer.close()
