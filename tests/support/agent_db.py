"""A real SQLite database holding one running job (`job_1`) with one running agent (`ag_1`):
the ground the stream and event tests stand on."""

from __future__ import annotations

from pathlib import Path

from podium.agents import repository
from podium.db.engine import Database
from podium.db.tables import jobs


def running_agent_db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "podium.db")
    database.migrate()
    with database.write() as conn:
        conn.execute(
            jobs.insert().values(
                id="job_1", title="t", description="d", status="running", work_dir="/w",
                created_at=1.0,
            )
        )  # fmt: skip
        repository.insert(
            conn,
            {
                "id": "ag_1",
                "job_id": "job_1",
                "provider": "claude",
                "status": "running",
                "log_path": str(tmp_path / "ag_1.ndjson"),
                "work_dir": "/w",
                "created_at": 2.0,
            },
        )
    return database
