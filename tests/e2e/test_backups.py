"""Backups of the live database (REST and `podium backup`) and `podium restore` with the server
stopped, against the real `podium serve`."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.jobs import create
from tests.support.podium_process import PODIUM_BIN, PodiumServer


def podium(server: PodiumServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = server.env | {"PODIUM_DATA_DIR": str(server.data_dir)}
    return subprocess.run(
        [str(PODIUM_BIN), *args], env=env, cwd=server.cwd, capture_output=True, text=True
    )


def test_backup_live_then_restore_with_the_server_stopped(server: PodiumServer) -> None:
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    with server.client() as api:
        kept = create(api, description="before the backup", scheduledAt=later)
        response = api.post("/api/backups")
        assert response.status_code == 201, response.text
        backup = response.json()
        assert backup["name"].startswith("podium-") and backup["sizeBytes"] > 0
        assert [b["name"] for b in api.get("/api/backups").json()] == [backup["name"]]
        lost = create(api, description="after the backup", scheduledAt=later)

        # The CLI backs up the live database too, and the list shows both, newest first.
        made = podium(server, "backup")
        assert made.returncode == 0, made.stderr
        names = [b["name"] for b in api.get("/api/backups").json()]
        assert names == [Path(made.stdout.strip()).name, backup["name"]]

        refused = podium(server, "restore", backup["name"])
        assert refused.returncode == 1
        assert f"in use by server pid {server.pid}" in refused.stderr
        assert api.get(f"/api/jobs/{lost['id']}").status_code == 200
        # Nor does a second server start on the same database.
        second = PodiumServer(server.data_dir, server.env, cwd=server.cwd)
        with pytest.raises(RuntimeError, match=f"in use by server pid {server.pid}"):
            second.start()
        assert second.proc is not None and second.proc.returncode == 1

    server.stop()
    restored = podium(server, "restore", backup["name"])
    assert restored.returncode == 0, restored.stderr
    server.start()
    with server.client() as api:
        assert api.get(f"/api/jobs/{kept['id']}").json()["description"] == "before the backup"
        assert api.get(f"/api/jobs/{lost['id']}").status_code == 404
        # The database as it was before the restore is itself a backup now.
        assert len(api.get("/api/backups").json()) == 3
