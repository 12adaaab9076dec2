"""Idle cost: the server's CPU and memory with nothing to do, and while 10 agents start at once.

Budget: idle ≤ 0.3 % of one core and ≤ 100 MB RSS; < 5 % of one core with 10 agents starting.

The real server runs on a fresh data directory. Idle: after a short settle, the server's own CPU
time (all its threads, not its children) is read over a fixed window, with its RSS at the end
and the event loop's wake-ups (the main thread's voluntary context switches) counted over it.
Then 10 jobs are created at once; CLAUDE_BIN is a Python stand-in that, like Claude Code, first
opens its MCP session with the server (initialize, tools/list, with its credential) and then
writes a short stream-json transcript (init, 30 lines at 10 lines/s, result). The window runs
from the first job created to the last agent's exit being settled (`liveAgents` 0); RSS is
sampled through it. A second burst of 10 follows the first (warm caches, the first MCP sessions
done). Last, the idle figures again, after the agents."""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

from benchmarks._common import (
    Metric,
    bench_server,
    dumps,
    init_line,
    result_line,
    text_line,
)
from benchmarks.scale import RssSampler
from tests.support.podium_process import PodiumServer

AGENTS = 10
IDLE_WINDOW = 30.0
SETTLE = 3.0
LINES = 30
LINES_PER_SEC = 10

STANDIN = r"""
import json, os, re, sys, time, urllib.request
args = sys.argv[1:]
server = json.loads(args[args.index("--mcp-config") + 1])["mcpServers"]["podium"]
headers = {
    name: re.sub(r"\$\{(\w+)\}", lambda m: os.environ.get(m.group(1), ""), value)
    for name, value in server.get("headers", {}).items()
}
headers |= {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}

def rpc(body):
    request = urllib.request.Request(server["url"], json.dumps(body).encode(), headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()

hello = {"protocolVersion": "2025-06-18", "capabilities": {},
         "clientInfo": {"name": "bench", "version": "0"}}
rpc({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello})
rpc({"jsonrpc": "2.0", "method": "notifications/initialized"})
assert b"lock_files" in rpc({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
with open(sys.argv[0] + ".ndjson") as transcript:
    for line in transcript:
        sys.stdout.write(line)
        sys.stdout.flush()
        time.sleep(PAUSE)
open(os.path.join(MARKS, os.environ["PODIUM_JOB_ID"]), "w").close()
"""


def write_standin(path: Path, marks: Path) -> None:
    session = "00000000-1d1e-4e00-8000-000000000010"
    lines = [init_line(session)]
    lines += [text_line(session, f"msg_{i:04d}", f"step {i}") for i in range(LINES)]
    lines.append(result_line(session, LINES))
    Path(f"{path}.ndjson").write_text("".join(dumps(line) + "\n" for line in lines))
    body = STANDIN.replace("PAUSE", repr(1 / LINES_PER_SEC)).replace("MARKS", repr(str(marks)))
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(0o755)


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _wakeups(process: psutil.Process) -> int:
    """Voluntary context switches of the main thread (the event loop): one per wake-up."""
    status = Path(f"/proc/{process.pid}/task/{process.pid}/status").read_text()
    return int(
        next(line for line in status.splitlines() if line.startswith("voluntary_ctxt")).split()[1]
    )


def measure_idle(process: psutil.Process) -> tuple[float, float, float]:
    """(CPU % of a core, RSS MB, wake-ups per second) over IDLE_WINDOW."""
    cpu, wakeups, began = _cpu_seconds(process), _wakeups(process), time.monotonic()
    time.sleep(IDLE_WINDOW)
    window = time.monotonic() - began
    used = _cpu_seconds(process) - cpu
    woke = _wakeups(process) - wakeups
    return used / window * 100, process.memory_info().rss / 1e6, woke / window


def run() -> list[Metric]:
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-idle-"))
    work, marks = tmp / "work", tmp / "marks"
    work.mkdir()
    marks.mkdir()
    standin = tmp / "claude-standin"
    write_standin(standin, marks)
    server = bench_server(tmp / "data", claude_bin=standin, max_agents=AGENTS + 10)
    bursts: list[tuple[float, float]] = []
    try:
        server.start()
        process = psutil.Process(server.pid)
        time.sleep(SETTLE)
        idle_cpu, idle_rss, idle_wakeups = measure_idle(process)
        print(f"  idle: {idle_cpu:.3f} % core, {idle_rss:.1f} MB, {idle_wakeups:.2f} wake-ups/s")
        with server.client() as client:
            for burst in ("first", "second"):
                bursts.append(_burst(server, client, process, work, marks))
                print(f"  {burst} {AGENTS} agents: {bursts[-1][0]:.2f} % core")
                time.sleep(SETTLE)
        after_cpu, after_rss, after_wakeups = measure_idle(process)
        print(f"  idle after: {after_cpu:.3f} % core, {after_rss:.1f} MB, {after_wakeups:.2f}/s")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    (first_cpu, first_rss), (second_cpu, second_rss) = bursts
    return [
        Metric("idle server CPU", idle_cpu, "% core", budget=0.3),
        Metric("idle server RSS", idle_rss, "MB", budget=100),
        Metric("idle event-loop wake-ups", idle_wakeups, "/s"),
        Metric(f"server CPU, first {AGENTS} agents at once", first_cpu, "% core", budget=5),
        Metric(f"server CPU, next {AGENTS} agents at once", second_cpu, "% core", budget=5),
        Metric(f"server RSS peak, {AGENTS} agents at once", max(first_rss, second_rss), "MB"),
        Metric(f"idle server CPU after {AGENTS * 2} agents", after_cpu, "% core", budget=0.3),
        Metric(f"idle server RSS after {AGENTS * 2} agents", after_rss, "MB"),
        Metric(f"idle wake-ups after {AGENTS * 2} agents", after_wakeups, "/s"),
    ]


def _burst(
    server: PodiumServer,
    client: httpx.Client,
    process: psutil.Process,
    work: Path,
    marks: Path,
) -> tuple[float, float]:
    """(server CPU % of a core, its peak RSS in MB) from creating AGENTS jobs at once until
    every agent has exited and the server has settled them. Progress is read from the
    stand-ins' files, so the benchmark's own requests add little to what is measured."""
    for mark in marks.iterdir():
        mark.unlink()
    sampler = RssSampler(server.pid)
    sampler.start()
    cpu_before, began = _cpu_seconds(process), time.monotonic()
    _create_jobs_at_once(server, work)
    deadline = began + 120
    while len(list(marks.iterdir())) < AGENTS and time.monotonic() < deadline:
        time.sleep(0.1)
    while time.monotonic() < deadline:
        health = client.get("/api/health").json()
        if health["liveAgents"] == 0:
            break
        time.sleep(0.1)
    window = time.monotonic() - began
    used = _cpu_seconds(process) - cpu_before
    sampler.stopped.set()
    jobs = client.get("/api/jobs", params={"limit": 1000}).json()
    done = sum(job["status"] == "done" for job in jobs)
    if len(list(marks.iterdir())) < AGENTS or done % AGENTS:
        raise RuntimeError(f"agents did not all finish ({done} done): {server.log_text()}")
    return used / window * 100, sampler.peak / 1e6


def _create_jobs_at_once(server: PodiumServer, work: Path) -> None:
    """All the POSTs in flight together, each on its own connection."""
    url = server.url

    def create(i: int) -> None:
        body = {"title": f"agent {i}", "description": f"agent {i}", "workDir": str(work)}
        httpx.post(f"{url}/api/jobs", json=body, timeout=60).raise_for_status()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(AGENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
