"""The in-process tier: real services on a real SQLite file, a fake provider and a fake
process host (tests/support/inprocess.py). No CLI, no port, no model server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.inprocess import Harness, running_services
from tests.support.podium_process import init_git_repo


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    return init_git_repo(tmp_path / "repo")


@pytest.fixture
async def harness(tmp_path: Path, work_dir: Path) -> AsyncIterator[Harness]:
    async with running_services(tmp_path, work_dir) as running:
        yield running
