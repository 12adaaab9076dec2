"""Scale: the server's CPU and memory while 100 scripted agents stream output at once.

Budget: < 10 % of one core and < 300 MB RSS for the `podium serve` process.

The real server runs with CLAUDE_BIN pointing at a bash stand-in that replays a realistic
stream-json transcript (init, then assistant text / tool_use / tool_result lines, then a result)
at 5 lines/s for 20 s, stamping `$EPOCHREALTIME` into each text line. 100 jobs are created with
the cap at 120; once all 100 agents run, the server's own CPU time (not its children's) is read
over a window that ends before the first agent finishes. RSS is sampled every 0.25 s for the
whole run. At the end every agent's stored events are fetched back: events persisted per second
inside the window, and the follow latency (stored `ts` - the moment the line was written)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

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
    tool_result_line,
    tool_use_line,
)

AGENTS = 100
LINES_PER_SEC = 5
DURATION = 20.0
FILLER = (
    "src/podium/agents/stream.py:63: def drain(self, *, final: bool = False) -> None: read what "
    "is new, parse each complete line with the provider, store the events and publish them. "
)


def write_transcript(path: Path) -> int:
    """init + LINES_PER_SEC * DURATION lines + result; returns the number of lines."""
    session = "00000000-5ca1-4e00-8000-000000000100"
    lines = [init_line(session)]
    for i in range(int(LINES_PER_SEC * DURATION)):
        msg, tool = f"msg_{i // 3:06d}", f"toolu_{i // 3:06d}"
        if i % 3 == 0:
            lines.append(text_line(session, msg, f"step {i} at t=@T@: checking the stream code"))
        elif i % 3 == 1:
            lines.append(tool_use_line(session, msg, tool, f"grep -n drain src/podium/{i}.py"))
        else:
            lines.append(tool_result_line(session, tool, FILLER * 3))
    lines.append(result_line(session, len(lines) // 3))
    path.write_text("".join(dumps(line) + "\n" for line in lines))
    return len(lines)


def write_standin(path: Path, transcript: Path, marks: Path, fifo: Path) -> None:
    """Bash: `read -t` on a FIFO nobody writes to is a sleep without forking `sleep`."""
    pause = 1 / LINES_PER_SEC
    path.write_text(
        "#!/bin/bash\n"
        f"exec 3<>{shell_quote(str(fifo))}\n"
        f'printf "%s %s\\n" "$EPOCHREALTIME" "$$" > {shell_quote(str(marks))}/"$PODIUM_JOB_ID"\n'
        "while IFS= read -r line; do\n"
        '  printf "%s\\n" "${line//@T@/$EPOCHREALTIME}"\n'
        f"  read -t {pause} -u 3\n"
        f"done < {shell_quote(str(transcript))}\n"
        "exit 0\n"
    )
    path.chmod(0o755)


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.25):
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _read_marks(marks: Path) -> dict[str, tuple[float, int]]:
    out = {}
    for path in marks.iterdir():
        try:
            started, pid = path.read_text().split()
        except ValueError:
            continue  # being written
        out[path.name] = (float(started), int(pid))
    return out


def run() -> list[Metric]:
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-scale-"))
    marks, work, fifo = tmp / "marks", tmp / "work", tmp / "sleep.fifo"
    marks.mkdir()
    work.mkdir()
    os.mkfifo(fifo)
    transcript, standin = tmp / "transcript.ndjson", tmp / "claude-standin"
    lines_per_agent = write_transcript(transcript)
    write_standin(standin, transcript, marks, fifo)
    server = bench_server(tmp / "data", claude_bin=standin, max_agents=AGENTS + 20)
    started: dict[str, tuple[float, int]] = {}
    sampler: RssSampler | None = None
    try:
        server.start()
        process = psutil.Process(server.pid)
        sampler = RssSampler(server.pid)
        sampler.start()
        with server.client() as client:
            client.put("/api/settings", json={"maxConcurrentAgents": AGENTS + 20})
            for i in range(AGENTS):
                body = {"title": f"stream {i}", "description": f"stream {i}", "workDir": str(work)}
                client.post("/api/jobs", json=body).raise_for_status()
            deadline = time.monotonic() + 30
            while len(started) < AGENTS and time.monotonic() < deadline:
                time.sleep(0.05)
                started = _read_marks(marks)
            if len(started) < AGENTS:
                raise RuntimeError(f"only {len(started)} of {AGENTS} agents started")
            first, last = (f(t for t, _ in started.values()) for f in (min, max))
            window_start, window_end = last + 1.0, first + DURATION - 1.0
            print(f"  all {AGENTS} agents running {last - first:.2f} s after the first started")
            time.sleep(max(0.0, window_start - time.time()))
            cpu_before, wall_before = _cpu_seconds(process), time.time()
            time.sleep(max(0.0, window_end - time.time()))
            cpu_used, window = _cpu_seconds(process) - cpu_before, time.time() - wall_before
            done = _wait_all_done(client, AGENTS, timeout=DURATION + 60)
            events = _stored_events(client)
        rss_peak = sampler.peak
    finally:
        if sampler is not None:
            sampler.stopped.set()
        server.stop()
        for _start, pid in started.values():
            kill_standin(pid, standin)
        shutil.rmtree(tmp, ignore_errors=True)

    in_window = [e for e in events if wall_before <= e["ts"] <= wall_before + window]
    lags = []
    for event in events:
        stamp = re.search(r"at t=([0-9.]+):", event["text"])
        if event["kind"] == "text" and stamp:
            lags.append((event["ts"] - float(stamp.group(1))) * 1000)
    expected = AGENTS * lines_per_agent
    print(
        f"  window {window:.1f} s; {done}/{AGENTS} jobs done; "
        f"{len(events):,} of {expected:,} events stored"
    )
    cpu_pct = cpu_used / window * 100
    return [
        Metric(f"server CPU, {AGENTS} agents streaming", cpu_pct, "% core", budget=10),
        Metric("server RSS peak", rss_peak / 1e6, "MB", budget=300),
        Metric("events persisted/s in the window", len(in_window) / window, "ev/s"),
        Metric("server CPU per event", cpu_used / max(1, len(in_window)) * 1e6, "µs"),
        Metric("line written → event parsed p50", percentile(lags, 50), "ms"),
        Metric("line written → event parsed p95", percentile(lags, 95), "ms"),
    ]


def _wait_all_done(client: httpx.Client, count: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        jobs = client.get("/api/jobs", params={"limit": 1000}).json()
        done = sum(job["status"] == "done" for job in jobs)
        settled = all(job["status"] not in ("queued", "running") for job in jobs)
        if len(jobs) >= count and settled and client.get("/api/health").json()["liveAgents"] == 0:
            return done
        time.sleep(0.5)
    return done


def _stored_events(client: httpx.Client) -> list[dict[str, Any]]:
    out = []
    for agent in client.get("/api/agents", params={"limit": 1000}).json():
        after = 0
        while True:
            page = client.get(
                f"/api/agents/{agent['id']}/output", params={"after": after, "limit": 5000}
            ).json()
            out += page["events"]
            if not page["events"]:
                break
            after = page["nextAfter"]
    return out
