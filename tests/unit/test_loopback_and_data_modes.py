"""Which binds count as local, and tightening a data dir an earlier version left open."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from podium.config import Settings
from podium.private_data import is_loopback, make_data_private


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.20", False),
        ("my-box.lan", False),
    ],
)
def test_is_loopback(host: str, local: bool) -> None:
    assert is_loopback(host) is local


def test_existing_data_is_made_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    database = data / "orchestrator.db"
    for path in (database, data / "orchestrator.db-wal"):
        path.write_bytes(b"")
        path.chmod(0o644)
    make_data_private(Settings(PODIUM_DATA_DIR=data))
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "orchestrator.db-wal").stat().st_mode) == 0o600
