"""A throwaway PostgreSQL cluster (Debian's postgresql package) for the query_db tests: initdb
into a temporary directory, a free port, its socket in that directory, stopped and removed at
the end. PostgreSQL refuses to run as root, so under root it runs as `nobody`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.podium_process import free_port

SUPERUSER = "podium"


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is missing: `make system-deps` installs Debian's package")
    return found[-1].parent


@dataclass
class Postgres:
    port: int
    root: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    bin_dir = pg_bin()
    root = Path(tempfile.mkdtemp(prefix="podium-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "nobody", "nogroup")
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run(_as_owner(list(args)), cwd=root, check=True, capture_output=True)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    # -w: pg_ctl returns once the server accepts connections.
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options, "-w",
        "start")  # fmt: skip
    try:
        yield Postgres(port=port, root=root)
    finally:
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            cwd=root,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
