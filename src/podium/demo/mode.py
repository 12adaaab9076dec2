"""`podium serve --demo`: the real server and the real Claude CLI, with a scripted model.

``prepare()`` runs before the settings are read: it starts the scripted Anthropic server on a
free loopback port, points every agent at it through the environment (the runner hands its own
environment to each agent), picks a separate data directory and makes a fresh git repository
for the agents to work in. ``seed()`` runs once the API listens and creates the demo's jobs
through the REST API, as a user would.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from podium.config import Settings
from podium.demo import scenario
from podium.demo.scripted_anthropic import ScriptedAnthropic

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = "data/demo"
# Credentials and endpoints of the user's own that must not reach the demo's agents.
HIDDEN_ENV = (
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_MODEL",
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_VERTEX",
)


@dataclass
class Demo:
    model: ScriptedAnthropic
    work_dir: Path

    def stop(self) -> None:
        self.model.stop()


def prepare() -> Demo:
    """Start the scripted model and set the environment up; call before ``Settings()``."""
    work_dir = make_repo(Path(tempfile.mkdtemp(prefix="podium-demo-")) / "repo")
    model = ScriptedAnthropic(scripts=scenario.scripts(str(work_dir))).start()
    for name in HIDDEN_ENV:
        os.environ.pop(name, None)
    os.environ.update(
        ANTHROPIC_BASE_URL=model.url,
        ANTHROPIC_API_KEY="sk-ant-demo-podium-0000000000000000",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        DISABLE_AUTOUPDATER="1",
        DISABLE_TELEMETRY="1",
    )
    os.environ.setdefault("PODIUM_DATA_DIR", DEFAULT_DATA_DIR)
    # The demo's agents keep their Claude config apart from the user's own (~/.claude).
    config_dir = Path(os.environ["PODIUM_DATA_DIR"]).expanduser().resolve() / "claude-config"
    config_dir.mkdir(parents=True, exist_ok=True)
    os.environ["CLAUDE_CONFIG_DIR"] = str(config_dir)
    return Demo(model=model, work_dir=work_dir)


def make_repo(path: Path) -> Path:
    """A small git repository with the file the demo's agents fight over."""
    (path / "src").mkdir(parents=True)
    (path / "README.md").write_text("# demo app\n\nA toy project for Podium's demo agents.\n")
    (path / scenario.CONFIG_FILE).write_text(scenario.CONFIG_V1)
    git = ["git", "-c", "user.name=Podium Demo", "-c", "user.email=demo@podium.invalid"]
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "demo app"]):
        subprocess.run([*git, "-C", str(path), *args], check=True, capture_output=True)
    return path.resolve()


async def seed(settings: Settings, demo: Demo) -> list[str]:
    """Create the demo's jobs over REST; returns their ids."""
    headers = {"Authorization": f"Bearer {settings.auth_token}"} if settings.auth_token else {}
    ids: list[str] = []
    async with httpx.AsyncClient(base_url=settings.base_url, headers=headers, timeout=30) as api:
        for body in scenario.jobs():
            response = await api.post("/api/jobs", json={**body, "workDir": str(demo.work_dir)})
            response.raise_for_status()
            ids.append(response.json()["id"])
    log.info(
        "demo: %d jobs started in %s (scripted model at %s); open %s",
        len(ids),
        demo.work_dir,
        demo.model.url,
        settings.base_url,
    )
    return ids
