"""Start-up: `podium serve` launched → `/api/health` answers 200.

Budget: none set; reported for reference.

Three starts on a fresh data directory (the database is created and migrated) and three on the
directory the previous start left (migrations already at head), each stopped with SIGTERM.
The health endpoint is polled every 10 ms, so figures are good to about that."""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from benchmarks._common import Metric, bench_server

RUNS = 3


def run() -> list[Metric]:
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-startup-"))
    standin = Path("/bin/true")  # no agent is started here
    fresh: list[float] = []
    again: list[float] = []
    try:
        for i in range(RUNS):
            data = tmp / f"data-{i}"
            for into in (fresh, again):
                server = bench_server(data, claude_bin=standin)
                try:
                    into.append(server.start().startup_seconds)
                finally:
                    server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [
        Metric("start-up to healthy, fresh data dir (median)", statistics.median(fresh), "s"),
        Metric("start-up to healthy, existing data dir", statistics.median(again), "s"),
    ]
