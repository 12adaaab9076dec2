"""Fixtures shared by every test tier: the scripted model servers and the real `podium serve`
(started on free ports with its own data dir, in a fresh git repository). Helpers that are not
fixtures live in `tests/support/`; no test module imports another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.fakes.openai_server import ScriptedOpenAI
from tests.support.jobs import CLAUDE_BIN, CODEX_BIN, kill_leftover_agents
from tests.support.podium_process import PodiumServer, agent_env, init_git_repo
from tests.support.terminal_viewer import Viewer


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
        kill_leftover_agents(server)


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


@pytest.fixture
def viewers() -> Iterator[list[Viewer]]:
    """Terminal viewers a test opened; closed when it ends, pass or fail."""
    opened: list[Viewer] = []
    yield opened
    for viewer in opened:
        viewer.close()
