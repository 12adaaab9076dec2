"""Coordination over MCP: wake-up latency of blocking tools, and lock throughput under contention.

Budget: wake-up p50 and p95 < 50 ms (the original design polled every 2 s).

The real `podium serve` runs; fake agents are then written straight into its SQLite database (a
`jobs` row in status 'running', an `agents` row, and an `agent_credentials` row holding the hash
of a token made here). The runner re-attaches agents only at start, so these rows stay inert, and
their tokens open `/mcp/<agentId>` like a real agent's. Every call goes through the official MCP
client (stateless streamable HTTP, one `Client` per agent).

- watch_notes: one client blocks in `watch_notes([k])`; T0 is taken just before `PUT
  /api/notes/{k}`; latency = the watch call's return - T0.
- lock hand-over: A holds `lock_files([f])`, B blocks in `lock_files([f])`; A calls
  `release_files([f])` at T0; latency = B's return - T0 (A's release round trip too).
- wait_for_jobs: a 'running' job row with no agent, a client blocked in `wait_for_jobs([job])`,
  then `POST /api/jobs/{id}/cancel` at T0; latency = the wait's return - T0.
A blocking call is given SETTLE seconds to reach the server before T0 (nothing observable says
it is parked). `read_note` round trips are the baseline cost of any MCP call.

Throughput: CLIENTS agents, each its own session, loop for THROUGHPUT_SEC picking one of FILES
files at random: `lock_files([f])` then `release_files([f])`. Acquire latency includes the wait
for the holder. The server's CPU share over that window tells whether it or this client is the
bottleneck (both run on the same machine)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from benchmarks._common import Metric, bench_server, percentile
from podium.ids import new_id
from tests.support.podium_process import PodiumServer

REPS = 50
WARMUP = 3
SETTLE = 0.03  # seconds a blocking call gets to reach the server and park before T0
CLIENTS = 50
FILES = 10
THROUGHPUT_SEC = 10.0
LOCK_TIMEOUT_MS = 30_000
MS = 1000.0


@dataclass(frozen=True, slots=True)
class FakeAgent:
    agent_id: str
    job_id: str
    token: str


def insert_rows(
    db_path: Path, work: Path, agents: int, bare_jobs: int
) -> tuple[list[FakeAgent], list[str]]:
    """`agents` fake running agents (job + agent + credential rows) and `bare_jobs` 'running'
    jobs with no agent at all, for wait_for_jobs to wait on."""
    stamp = time.time()
    made: list[FakeAgent] = []
    bare: list[str] = []
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA foreign_keys=ON")
        with conn:
            for i in range(agents + bare_jobs):
                job_id = new_id("job")
                conn.execute(
                    "INSERT INTO jobs (id, title, description, status, priority, work_dir,"
                    " depends_on, use_worktree, interactive, context, retry_policy,"
                    " completion_checks, attempt, cost_usd, flagged, archived, created_at,"
                    " started_at) VALUES (?, ?, ?, 'running', 0, ?, '[]', 0, 0, '{}', 'none',"
                    " '[]', 1, 0, 0, 0, ?, ?)",
                    (job_id, f"bench {i}", "coordination benchmark", str(work), stamp, stamp),
                )
                if i >= agents:
                    bare.append(job_id)
                    continue
                agent_id = new_id("agent")
                conn.execute(
                    "INSERT INTO agents (id, job_id, provider, status, log_path, log_offset,"
                    " next_seq, num_turns, input_tokens, output_tokens, cache_read_tokens,"
                    " cache_write_tokens, cost_usd, work_dir, interactive, created_at,"
                    " started_at) VALUES (?, ?, 'claude', 'running', ?, 0, 1, 0, 0, 0, 0, 0,"
                    " 0, ?, 0, ?, ?)",
                    (agent_id, job_id, str(work / f"{agent_id}.log"), str(work), stamp, stamp),
                )
                token = secrets.token_urlsafe(32)
                digest = hashlib.sha256(token.encode()).hexdigest()
                conn.execute(
                    "INSERT INTO agent_credentials (agent_id, token_hash, created_at)"
                    " VALUES (?, ?, ?)",
                    (agent_id, digest, stamp),
                )
                made.append(FakeAgent(agent_id, job_id, token))
    finally:
        conn.close()
    return made, bare


@asynccontextmanager
async def mcp_client(mcp_port: int, agent: FakeAgent) -> AsyncIterator[Client]:
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {agent.token}"})
    url = f"http://127.0.0.1:{mcp_port}/mcp/{agent.agent_id}"
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        yield client


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    if result.is_error:
        text = " ".join(getattr(block, "text", "") for block in result.content)
        raise RuntimeError(f"{tool} failed: {text}")
    return result.structured_content or {}


async def timed_call(client: Client, tool: str, **arguments: Any) -> tuple[float, dict[str, Any]]:
    """The call's result and the perf_counter time it came back."""
    out = await call(client, tool, **arguments)
    return time.perf_counter(), out


async def baseline(client: Client) -> list[float]:
    out = []
    for i in range(WARMUP + REPS):
        began = time.perf_counter()
        await call(client, "read_note", key="bench/baseline")
        if i >= WARMUP:
            out.append(time.perf_counter() - began)
    return out


async def watch_latency(client: Client, rest: httpx.AsyncClient) -> tuple[list[float], list[float]]:
    """(wake-up latencies, PUT round trips)."""
    latencies, puts = [], []
    for i in range(WARMUP + REPS):
        key = f"bench/watch/{i}"
        waiter = asyncio.create_task(
            timed_call(client, "watch_notes", keys=[key], timeout_ms=10_000)
        )
        await asyncio.sleep(SETTLE)
        t0 = time.perf_counter()
        response = await rest.put(f"/api/notes/{key}", json={"value": "go"})
        put_done = time.perf_counter()
        response.raise_for_status()
        returned, out = await waiter
        if out.get("timed_out"):
            raise RuntimeError(f"watch_notes timed out: {out}")
        if i >= WARMUP:
            latencies.append(returned - t0)
            puts.append(put_done - t0)
    return latencies, puts


async def handover_latency(a: Client, b: Client) -> tuple[list[float], list[float]]:
    """(B's wake-up after A's release, A's release round trips)."""
    latencies, releases = [], []
    for i in range(WARMUP + REPS):
        path = f"handover-{i}.txt"
        await call(a, "lock_files", files=[path], reason="bench holder", timeout_ms=0)
        waiter = asyncio.create_task(
            timed_call(b, "lock_files", files=[path], reason="bench waiter", timeout_ms=10_000)
        )
        await asyncio.sleep(SETTLE)
        if waiter.done():
            raise RuntimeError(f"B got {path} while A held it: {waiter.result()}")
        t0 = time.perf_counter()
        released = await call(a, "release_files", files=[path])
        release_done = time.perf_counter()
        if not released.get("released"):
            raise RuntimeError(f"A did not hold {path}: {released}")
        returned, _ = await waiter
        await call(b, "release_files", files=[path])
        if i >= WARMUP:
            latencies.append(returned - t0)
            releases.append(release_done - t0)
    return latencies, releases


async def jobs_latency(client: Client, rest: httpx.AsyncClient, jobs: list[str]) -> list[float]:
    latencies = []
    for i, job_id in enumerate(jobs):
        waiter = asyncio.create_task(
            timed_call(client, "wait_for_jobs", job_ids=[job_id], timeout_ms=10_000)
        )
        await asyncio.sleep(SETTLE)
        t0 = time.perf_counter()
        (await rest.post(f"/api/jobs/{job_id}/cancel")).raise_for_status()
        returned, out = await waiter
        if not out.get("all_finished"):
            raise RuntimeError(f"wait_for_jobs returned unfinished: {out}")
        if i >= WARMUP:
            latencies.append(returned - t0)
    return latencies


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def throughput(clients: list[Client], server_pid: int) -> dict[str, Any]:
    files = [f"contended-{n}.txt" for n in range(FILES)]
    acquire: list[float] = []
    release: list[float] = []
    errors: list[str] = []
    stop_at = time.perf_counter() + THROUGHPUT_SEC

    async def worker(client: Client, seed: int) -> None:
        rng = random.Random(seed)
        while time.perf_counter() < stop_at:
            path = rng.choice(files)
            began = time.perf_counter()
            try:
                await call(
                    client, "lock_files", files=[path], reason="bench", timeout_ms=LOCK_TIMEOUT_MS
                )
            except Exception as exc:  # counted; the loop goes on
                errors.append(str(exc)[:200])
                continue
            acquire.append(time.perf_counter() - began)
            try:
                began = time.perf_counter()
                await call(client, "release_files", files=[path])
                release.append(time.perf_counter() - began)
            except Exception as exc:
                errors.append(str(exc)[:200])

    cpu0, began = cpu_seconds(server_pid), time.perf_counter()
    client_cpu0 = time.process_time()
    await asyncio.gather(*(worker(c, n) for n, c in enumerate(clients)))
    elapsed = time.perf_counter() - began
    return {
        "acquire": acquire,
        "release": release,
        "errors": errors,
        "elapsed": elapsed,
        "server_cpu": (cpu_seconds(server_pid) - cpu0) / elapsed,
        "client_cpu": (time.process_time() - client_cpu0) / elapsed,
    }


async def measure(
    server: PodiumServer, agents: list[FakeAgent], bare_jobs: list[str]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    async with AsyncExitStack() as stack:
        rest = await stack.enter_async_context(httpx.AsyncClient(base_url=server.url, timeout=30))
        clients = [
            await stack.enter_async_context(mcp_client(server.mcp_port, agent)) for agent in agents
        ]
        results["baseline"] = await baseline(clients[0])
        results["watch"], results["put"] = await watch_latency(clients[0], rest)
        results["handover"], results["release"] = await handover_latency(clients[0], clients[1])
        results["jobs"] = await jobs_latency(clients[2], rest, bare_jobs)
        results["throughput"] = await throughput(clients, server.pid)
    return results


def run() -> list[Metric]:
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-coord-"))
    work = tmp / "work"
    work.mkdir()
    # No agent is ever started; a CLI that would fail loudly if one were.
    server = bench_server(tmp / "data", claude_bin=Path("/bin/false"))
    try:
        server.start()
        agents, bare_jobs = insert_rows(
            server.data_dir / "orchestrator.db", work, CLIENTS, WARMUP + REPS
        )
        results = asyncio.run(measure(server, agents, bare_jobs))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    tp = results["throughput"]
    acquire = tp["acquire"]
    errors = tp["errors"]
    if errors:
        print(f"  {len(errors)} lock errors, e.g. {errors[0]}")
    print(
        f"  throughput CPU: server {tp['server_cpu'] * 100:.0f}% of a core, "
        f"this client {tp['client_cpu'] * 100:.0f}% ({len(acquire)} acquisitions "
        f"in {tp['elapsed']:.1f} s)"
    )

    def p(name: str, q: float) -> float:
        return percentile(results[name], q) * MS

    return [
        Metric("MCP read_note round trip p50 (baseline)", p("baseline", 50), "ms"),
        Metric("watch_notes wake-up after PUT p50", p("watch", 50), "ms", budget=50),
        Metric("watch_notes wake-up after PUT p95", p("watch", 95), "ms", budget=50),
        Metric("PUT /api/notes round trip p50", p("put", 50), "ms"),
        Metric("lock hand-over release→acquired p50", p("handover", 50), "ms", budget=50),
        Metric("lock hand-over release→acquired p95", p("handover", 95), "ms", budget=50),
        Metric("release_files round trip p50", p("release", 50), "ms"),
        Metric("wait_for_jobs wake-up after cancel p50", p("jobs", 50), "ms", budget=50),
        Metric("wait_for_jobs wake-up after cancel p95", p("jobs", 95), "ms", budget=50),
        Metric(
            f"locks {CLIENTS} clients/{FILES} files",
            len(acquire) / tp["elapsed"],
            "acq/s",
        ),
        Metric("lock acquire (contended) p50", percentile(acquire, 50) * MS, "ms"),
        Metric("lock acquire (contended) p95", percentile(acquire, 95) * MS, "ms"),
        Metric("release_files (contended) p50", percentile(tp["release"], 50) * MS, "ms"),
        Metric("lock errors (timeouts, deadlocks…)", float(len(errors)), "count"),
        Metric("server CPU during lock throughput", tp["server_cpu"] * 100, "%"),
    ]
