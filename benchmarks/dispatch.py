"""Dispatch latency: `POST /api/jobs` → the agent CLI process is running.

Budget: p50 < 25 ms with free slots.

The real `podium serve` runs with CLAUDE_BIN pointing at a stand-in CLI (a bash script) that
writes `$EPOCHREALTIME` to a file named after `$PODIUM_JOB_ID` as its first act, prints a short
valid stream-json transcript and exits. Latency = that wall time - the wall time just before the
POST was sent. Jobs are posted one at a time (post, wait for its start mark, next), so a slot is
always free. For reading off "dispatch excluding spawn", the same stand-in is also started through
Podium's own `spawn()` (shim + `/bin/sh`) from this process, with no HTTP or database around it,
and a bare `/bin/sh -c true` run is timed as the floor of any process start."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from inotify_simple import INotify, flags

from benchmarks._common import (
    Metric,
    bench_server,
    dumps,
    init_line,
    kill_standin,
    percentile,
    result_line,
    shell_quote,
    text_line,
)
from podium.agents.process import AgentFiles, spawn

JOBS = 200
WARMUP = 5
REFERENCE_RUNS = 50


def write_standin(path: Path, marks: Path) -> None:
    session = "11111111-2222-4333-8444-555555555555"
    lines = [
        init_line(session),
        text_line(session, "msg_bench_1", "Nothing to do; done."),
        result_line(session, 1),
    ]
    transcript = " ".join(shell_quote(dumps(line)) for line in lines)
    path.write_text(
        "#!/bin/bash\n"
        f'printf "%s %s\\n" "$EPOCHREALTIME" "$$" > {shell_quote(str(marks))}/"$PODIUM_JOB_ID"\n'
        f"printf '%s\\n' {transcript}\n"
    )
    path.chmod(0o755)


class Marks:
    """Waits for a stand-in's start mark with inotify (no busy polling to steal the CPU)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.inotify = INotify()
        self.inotify.add_watch(str(directory), flags.CLOSE_WRITE)

    def wait(self, name: str, timeout: float = 10) -> tuple[float, int]:
        deadline = time.monotonic() + timeout
        path = self.dir / name
        while True:
            try:
                started, pid = path.read_text().split()
                return float(started), int(pid)
            except (FileNotFoundError, ValueError):
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no start mark for {name}")
            self.inotify.read(timeout=int(left * 1000) + 1)

    def close(self) -> None:
        self.inotify.close()


def spawn_reference(standin: Path, tmp: Path, marks: Marks) -> list[float]:
    """Seconds from Podium's `spawn()` call to the stand-in's first instruction."""
    logs = tmp / "ref-logs"
    logs.mkdir()
    argv = [str(standin), "--print", "--output-format", "stream-json", "--verbose"]
    out = []
    for i in range(WARMUP + REFERENCE_RUNS):
        name = f"ref-{i}"
        files = AgentFiles.for_agent(logs, name)
        files.prompt.write_text("hello\n")
        env = dict(os.environ) | {"PODIUM_JOB_ID": name, "PODIUM_AGENT_ID": name}
        before = time.time()
        child = spawn(argv, cwd=tmp, env=env, files=files)
        started, _pid = marks.wait(name)
        child.wait()
        if i >= WARMUP:
            out.append(started - before)
    return out


def bare_shell_reference() -> list[float]:
    out = []
    for _ in range(REFERENCE_RUNS):
        before = time.perf_counter()
        subprocess.run(["/bin/sh", "-c", "true"], check=True)
        out.append(time.perf_counter() - before)
    return out


def run() -> list[Metric]:
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-dispatch-"))
    marks_dir = tmp / "marks"
    work = tmp / "work"
    marks_dir.mkdir()
    work.mkdir()
    standin = tmp / "claude-standin"
    write_standin(standin, marks_dir)
    marks = Marks(marks_dir)
    server = bench_server(tmp / "data", claude_bin=standin, max_agents=250)
    pids: list[int] = []
    try:
        sh_true = bare_shell_reference()
        spawn_ref = spawn_reference(standin, tmp, marks)
        server.start()
        latencies: list[float] = []
        round_trips: list[float] = []
        job_ids: list[str] = []
        with server.client() as client:
            client.put("/api/settings", json={"maxConcurrentAgents": 250}).raise_for_status()
            for i in range(WARMUP + JOBS):
                body = {"title": f"bench {i}", "description": f"job {i}", "workDir": str(work)}
                before_wall = time.time()
                before = time.perf_counter()
                response = client.post("/api/jobs", json=body)
                round_trip = time.perf_counter() - before
                response.raise_for_status()
                job_id = response.json()["id"]
                started, pid = marks.wait(job_id)
                pids.append(pid)
                job_ids.append(job_id)
                if i >= WARMUP:
                    latencies.append(started - before_wall)
                    round_trips.append(round_trip)
            done = _wait_settled(client, job_ids)
        print(f"  {done}/{len(job_ids)} jobs ended 'done' (stand-in transcripts parsed)")
    finally:
        server.stop()
        marks.close()
        for pid in pids:
            kill_standin(pid, standin)
        shutil.rmtree(tmp, ignore_errors=True)

    ms = 1000.0
    p50 = percentile(latencies, 50) * ms
    spawn_p50 = percentile(spawn_ref, 50) * ms
    return [
        Metric("dispatch POST→agent started p50", p50, "ms", budget=25),
        Metric("dispatch POST→agent started p95", percentile(latencies, 95) * ms, "ms"),
        Metric("dispatch POST round trip p50", percentile(round_trips, 50) * ms, "ms"),
        Metric("spawn(): shim+stand-in start p50 (ref)", spawn_p50, "ms"),
        Metric("/bin/sh -c true run p50 (ref)", percentile(sh_true, 50) * ms, "ms"),
        Metric("dispatch excluding spawn p50", p50 - spawn_p50, "ms"),
    ]


def _wait_settled(client: httpx.Client, job_ids: list[str], timeout: float = 60) -> int:
    """Wait until no agent is live and every job has left 'running'; returns how many are done."""
    wanted = set(job_ids)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live = client.get("/api/health").json()["liveAgents"]
        jobs = client.get("/api/jobs", params={"limit": 1000}).json()
        mine = [job for job in jobs if job["id"] in wanted]
        if live == 0 and all(job["status"] not in ("queued", "running") for job in mine):
            return sum(job["status"] == "done" for job in mine)
        time.sleep(0.2)
    return -1
