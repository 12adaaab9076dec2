"""Dashboard: the job list with 10,000 jobs (API pages, first paint in Chromium) and /ws fan-out.

Budgets: job-list requests p50 < 100 ms; first job card painted p50 < 1500 ms; every streamed
event reaches all 10 WebSocket clients with delivery lag p95 < 250 ms.

The real `podium serve` runs; once it has migrated, JOBS job rows are written straight into its
SQLite database (terminal, scheduled-in-a-year and a few inert 'running' statuses, so the
dispatcher starts none of them; varied titles, priorities, costs and created_at over ~10 days).

- API: the dashboard's default view takes its first SNAPSHOT_JOBS jobs from the /ws snapshot,
  then pages `GET /api/jobs?archived=false&limit=200&offset=N` as the grid scrolls
  (web/src/state/jobList.ts); a status filter loads its first page the same way. Timed here:
  connect → snapshot received, and those GETs near the top, in the middle and at the end.
- Paint: Debian's Chromium, headless, a fresh context per run. An init script's
  MutationObserver notes `performance.now()` (ms since navigation start) when the first
  `job-card-*` element is in the DOM, then again once the next frame has been painted. Then the
  cards in the DOM are counted, and the grid is scrolled to the bottom frame after frame until
  the oldest job's card shows (every page it loads is timed by the browser too).
- Fan-out: one job's agent is a Python stand-in for the Claude CLI that prints RATE stream-json
  text lines/s for DURATION s, each stamped with the wall time it was written; it starts once
  CLIENTS WebSocket clients have taken their snapshot and subscribed to its output the way the
  page does (`{"type": "subscribe", "agentId", "after"}`). Lag = arrival at the client - the
  stamp; a client falls behind if it misses lines, is closed (4408), or its lag grows. A fresh
  server prices its first usage line on the event loop (genai-prices loads its tables then), so
  the first second is also reported on its own."""

from __future__ import annotations

import asyncio
import json
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil
from playwright.sync_api import Browser, sync_playwright
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from benchmarks._common import (
    Metric,
    bench_server,
    dumps,
    init_line,
    kill_standin,
    percentile,
    result_line,
    text_line,
)
from podium.ids import new_id
from tests.support.podium_process import PodiumServer

JOBS = 10_000
PAGE = 200  # the dashboard's page size (web/src/state/jobList.ts)
SNAPSHOT_JOBS = 500  # what /ws puts in its snapshot (podium.api.ws.SNAPSHOT_JOBS)
API_REPS = 30
WARMUP = 3
PAINT_RUNS = 5
SCROLL_LIMIT_MS = 30_000
CLIENTS = 10
RATE = 1000  # lines/s the stand-in agent writes
DURATION = 10.0
EDGE_SEC = 2.0  # lag at the start vs the end of the stream: does a client fall behind?
MS = 1000.0
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
CARD = '[data-testid^="job-card-"]'
LINE_TEXT = re.compile(r"fan-out line (\d+) written at ([0-9.]+)")

VERBS = ("Refactor", "Fix", "Add", "Document", "Speed up", "Test", "Remove", "Rename", "Port")
THINGS = (
    "the config loader",
    "the CLI flags",
    "log rotation",
    "the search index",
    "retries",
    "the lock table",
    "dark mode",
    "error pages",
)
STATUSES = (("done", 60), ("failed", 15), ("cancelled", 15), ("scheduled", 8), ("running", 2))


# -- the 10,000 rows ----------------------------------------------------------------------------
def insert_jobs(db_path: Path, work: Path, count: int) -> str:
    """Write `count` job rows in one transaction; returns the id of the oldest (the list's end)."""
    rng = random.Random(7)
    newest = time.time() - 60
    rows = [_job_row(rng, n, newest - n * 86.4 - rng.random() * 60, work) for n in range(count)]
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        with conn:
            conn.executemany(
                "INSERT INTO jobs (id, title, description, status, status_reason, priority,"
                " model, work_dir, depends_on, use_worktree, interactive, context, retry_policy,"
                " completion_checks, attempt, cost_usd, flagged, archived, created_at,"
                " started_at, finished_at, scheduled_at, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " '[]', 0, 0, '{}', 'none', '[]', 1, ?, ?, 0, ?, ?, ?, ?, ?)",
                rows,
            )
    finally:
        conn.close()
    return str(rows[-1][0])


def _job_row(rng: random.Random, n: int, created: float, work: Path) -> tuple[Any, ...]:
    """One job as the service would leave it: a status that no dispatcher pass will act on."""
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    title = f"{rng.choice(VERBS)} {rng.choice(THINGS)} #{n}"
    started = created + rng.uniform(1, 30) if status != "scheduled" else None
    finished = started + rng.uniform(20, 900) if started and status != "running" else None
    return (
        new_id("job"),
        title,
        f"{title}: keep the public API, add a test, and note it in the changelog.",
        status,
        "agent exited with code 1" if status == "failed" else None,
        rng.randint(-10, 10),
        rng.choice((None, "claude-sonnet-4-5", "claude-opus-4-1")),
        str(work),
        round(rng.uniform(0, 2), 4) if started else 0.0,
        int(rng.random() < 0.03),
        created,
        started,
        finished,
        time.time() + 365 * 86400 if status == "scheduled" else None,
        "Done: see the diff." if status == "done" else None,
    )


# -- 1. the job-list requests ---------------------------------------------------------------------
def time_gets(client: httpx.Client, params: dict[str, Any]) -> tuple[list[float], int]:
    """Round trips of one GET /api/jobs page (after a warm-up), and the jobs it returned."""
    times, returned = [], 0
    for i in range(WARMUP + API_REPS):
        began = time.perf_counter()
        response = client.get("/api/jobs", params=params)
        elapsed = time.perf_counter() - began
        response.raise_for_status()
        returned = len(response.json())
        if i >= WARMUP:
            times.append(elapsed)
    return times, returned


async def snapshot_times(ws_url: str) -> tuple[list[float], int]:
    """Connect → snapshot received, as a page load does; and the snapshot's size in bytes."""
    times, size = [], 0
    for i in range(WARMUP + API_REPS):
        began = time.perf_counter()
        async with connect(ws_url, max_size=None) as socket:
            raw = await socket.recv()
            elapsed = time.perf_counter() - began
        size = len(raw)
        if i == 0 and (seen := orjson.loads(raw)["data"]["jobsTotal"]) != JOBS:
            raise RuntimeError(f"the /ws snapshot counts {seen} jobs, not {JOBS}")
        if i >= WARMUP:
            times.append(elapsed)
    return times, size


def measure_api(server: PodiumServer) -> dict[str, list[float]]:
    pages: dict[str, dict[str, Any]] = {
        "next page (offset 500)": {"offset": SNAPSHOT_JOBS},
        "middle page (offset 5000)": {"offset": JOBS // 2},
        "last page (offset 9800)": {"offset": JOBS - PAGE},
        "status=failed first page": {"offset": 0, "status": "failed"},
    }
    out: dict[str, list[float]] = {}
    with server.client() as client:
        head = client.get("/api/jobs", params={"limit": 1})
        total = int(head.headers["X-Total-Count"])
        if total != JOBS:
            raise RuntimeError(f"GET /api/jobs sees {total} jobs, not {JOBS}")
        for name, extra in pages.items():
            params = {"archived": "false", "limit": PAGE} | extra
            out[name], returned = time_gets(client, params)
            if returned == 0:
                raise RuntimeError(f"GET /api/jobs {params} returned nothing")
    ws_url = server.url.replace("http", "ws", 1) + "/ws"
    out["snapshot"], size = asyncio.run(snapshot_times(ws_url))
    print(f"  GET /api/jobs total {total:,}; /ws snapshot {size / 1e3:.0f} kB")
    return out


def api_metrics(api: dict[str, list[float]]) -> list[Metric]:
    out = []
    for name, label in (
        ("snapshot", f"/ws connect → snapshot ({SNAPSHOT_JOBS} jobs)"),
        ("next page (offset 500)", "GET /api/jobs offset 500"),
        ("middle page (offset 5000)", "GET /api/jobs offset 5000"),
        ("last page (offset 9800)", "GET /api/jobs offset 9800"),
        ("status=failed first page", "GET /api/jobs?status=failed offset 0"),
    ):
        out.append(Metric(f"{label} p50", percentile(api[name], 50) * MS, "ms", budget=100))
        out.append(Metric(f"{label} p95", percentile(api[name], 95) * MS, "ms"))
    return out


# -- 2. first paint in Chromium -----------------------------------------------------------------
FIRST_CARD_SCRIPT = """
(() => {
  const seen = () => {
    if (window.__firstCard !== undefined) return false;
    if (!document.querySelector('[data-testid^="job-card-"]')) return false;
    window.__firstCard = performance.now();
    const painted = () => { window.__firstCardPainted = performance.now(); };
    requestAnimationFrame(() => setTimeout(painted));
    return true;
  };
  const observer = new MutationObserver(() => { if (seen()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true });
})();
"""

SCROLL_TO_END = """
async ([oldest, limit]) => {
  const grid = document.querySelector('[data-testid="job-grid"]');
  const began = performance.now();
  while (!document.querySelector(`[data-testid="job-card-${oldest}"]`)) {
    if (performance.now() - began > limit) return -1;
    grid.scrollTop = grid.scrollHeight;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return performance.now() - began;
}
"""


@dataclass(slots=True)
class PaintRun:
    dom_ms: float
    painted_ms: float
    cards: int
    api_paths: list[str]


def paint_once(browser: Browser, url: str) -> PaintRun:
    """A fresh context (no cache, no storage): navigate, wait for a card, read the page clock."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        context.add_init_script(FIRST_CARD_SCRIPT)
        page = context.new_page()
        paths: list[str] = []
        page.on("request", lambda r: paths.append(r.url.removeprefix(url)))
        page.goto(url + "/", wait_until="commit")
        page.wait_for_selector(CARD, state="visible", timeout=30_000)
        page.wait_for_function("window.__firstCardPainted !== undefined", timeout=10_000)
        dom_ms, painted_ms = page.evaluate("[window.__firstCard, window.__firstCardPainted]")
        page.wait_for_timeout(300)  # let the first batch of rows settle
        cards = page.evaluate(f"document.querySelectorAll('{CARD}').length")
        return PaintRun(dom_ms, painted_ms, cards, paths)
    finally:
        context.close()


def scroll_to_end(browser: Browser, url: str, oldest: str) -> tuple[float, list[float], int]:
    """(ms to reach the oldest job's card, the browser's timings of the pages it fetched, cards
    in the DOM at the end); -1 ms if it never showed."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        fetched: list[float] = []

        def on_finished(request: Any) -> None:
            if "/api/jobs?" in request.url:
                fetched.append(request.timing["responseEnd"])

        page.on("requestfinished", on_finished)
        page.goto(url + "/")
        page.wait_for_selector(CARD, state="visible", timeout=30_000)
        took = page.evaluate(SCROLL_TO_END, [oldest, SCROLL_LIMIT_MS])
        cards = page.evaluate(f"document.querySelectorAll('{CARD}').length")
        return float(took), fetched, int(cards)
    finally:
        context.close()


def measure_paint(server: PodiumServer, oldest: str) -> dict[str, Any]:
    if not CHROMIUM.exists():
        raise RuntimeError("Debian's chromium is missing (/usr/bin/chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            runs = [paint_once(browser, server.url) for _ in range(PAINT_RUNS)]
            scrolled, fetched, end_cards = scroll_to_end(browser, server.url, oldest)
        finally:
            browser.close()
    api = sorted({p.split("?")[0] for p in runs[0].api_paths if p.startswith(("/api", "/ws"))})
    print(f"  page load calls: {', '.join(api) or 'none'} (+ /ws)")
    print(
        "  first card in DOM / painted (ms): "
        + ", ".join(f"{r.dom_ms:.0f}/{r.painted_ms:.0f}" for r in runs)
    )
    print(
        f"  scroll to the end: {scrolled / MS:.1f} s, {len(fetched)} GET /api/jobs pages, "
        f"{end_cards} cards in the DOM there"
    )
    return {"runs": runs, "scrolled": scrolled, "fetched": fetched, "end_cards": end_cards}


def paint_metrics(paint: dict[str, Any]) -> list[Metric]:
    runs: list[PaintRun] = paint["runs"]
    out = [
        Metric("first job card in the DOM p50", percentile([r.dom_ms for r in runs], 50), "ms"),
        Metric(
            "first job card painted p50",
            percentile([r.painted_ms for r in runs], 50),
            "ms",
            budget=1500,
        ),
        Metric("job cards in the DOM (of 10,000)", float(max(r.cards for r in runs)), "count"),
    ]
    if paint["scrolled"] >= 0:
        out.append(Metric("scroll to the end of the list", paint["scrolled"] / MS, "s"))
    else:
        print(f"  the oldest card never showed within {SCROLL_LIMIT_MS / MS:.0f} s of scrolling")
    if paint["fetched"]:
        p50 = percentile(paint["fetched"], 50)
        out.append(Metric("dashboard GET /api/jobs page (browser) p50", p50, "ms", budget=100))
    out.append(Metric("job cards in the DOM at the end", float(paint["end_cards"]), "count"))
    return out


# -- 3. WebSocket fan-out -------------------------------------------------------------------------
STANDIN_BODY = """
import json, os, sys, time
from pathlib import Path

cfg = json.loads(Path(CONFIG).read_text())
Path(cfg["marks"], os.environ["PODIUM_JOB_ID"]).write_text(str(os.getpid()))
give_up = time.time() + 60
while not Path(cfg["go"]).exists():
    if time.time() > give_up:
        sys.exit(3)
    time.sleep(0.005)
out = sys.stdout
out.write(cfg["init"] + "\\n")
out.flush()
template, rate, total = cfg["template"], cfg["rate"], cfg["total"]
start = time.time()
sent = 0
while sent < total:
    now = time.time()
    due = min(total, int((now - start) * rate) + 1)
    if due <= sent:
        time.sleep(max(0.0, min(0.002, start + sent / rate - now)))
        continue
    stamp = "%.6f" % time.time()
    lines = (template.replace("@I@", str(n)).replace("@T@", stamp) for n in range(sent, due))
    out.write("".join(lines))
    out.flush()
    sent = due
out.write(cfg["result"] + "\\n")
out.flush()
"""


def write_standin(tmp: Path, go: Path, marks: Path) -> Path:
    """A Claude CLI stand-in that waits for `go`, then writes RATE text lines/s for DURATION s;
    each line carries its number and the wall time it was written."""
    session = "00000000-da5b-4e00-8000-000000000010"
    template = dumps(text_line(session, "msg_@I@", "fan-out line @I@ written at @T@"))
    config = {
        "marks": str(marks),
        "go": str(go),
        "init": dumps(init_line(session)),
        "template": template + "\n",
        "rate": RATE,
        "total": int(RATE * DURATION),
        "result": dumps(result_line(session, int(RATE * DURATION))),
    }
    (tmp / "standin.json").write_text(json.dumps(config))
    path = tmp / "claude-standin"
    path.write_text(f"#!{sys.executable}\nCONFIG = {str(tmp / 'standin.json')!r}\n{STANDIN_BODY}")
    path.chmod(0o755)
    return path


@dataclass(slots=True)
class ClientLog:
    """What one WebSocket client saw."""

    lines: set[int] = field(default_factory=set)
    lags: list[tuple[float, float]] = field(default_factory=list)  # (written at, lag s)
    pickups: list[float] = field(default_factory=list)  # the event's stored ts - written at
    sends: list[float] = field(default_factory=list)  # arrival - the event's stored ts
    other: Counter[str] = field(default_factory=Counter)
    close_code: int | None = None
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(slots=True)
class Finish:
    """Clients keep their socket open until all are done: a close handshake in this process
    would otherwise delay the others' reads and show up as their lag."""

    waiting: int
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def arrive(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.done.set()
        await self.done.wait()


async def follow(
    ws_url: str, agent_id: str, total: int, log: ClientLog, finish: Finish, seconds: float
) -> None:
    """Snapshot, subscribe to the agent's output, then read until every line came or time ran
    out; a close (4408 = too slow) is recorded."""
    try:
        async with asyncio.timeout(seconds), connect(ws_url, max_size=None) as socket:
            await socket.recv()  # the snapshot
            await socket.send(json.dumps({"type": "subscribe", "agentId": agent_id, "after": 0}))
            async for raw in socket:
                arrived = time.time()
                message = orjson.loads(raw)
                kind = message["type"]
                if kind in ("agent.output", "agent.backlog"):
                    log.subscribed.set()
                    record_output(log, message["data"]["events"], arrived)
                    if len(log.lines) >= total:
                        await finish.arrive()
                        return
                else:
                    log.other[kind] += 1
    except ConnectionClosed as closed:
        log.close_code = closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        pass


def record_output(log: ClientLog, events: list[dict[str, Any]], arrived: float) -> None:
    for event in events:
        found = LINE_TEXT.search(str(event.get("data", {}).get("text", "")))
        if found is None:
            continue
        written = float(found.group(2))
        log.lines.add(int(found.group(1)))
        log.lags.append((written, arrived - written))
        log.pickups.append(float(event["ts"]) - written)
        log.sends.append(arrived - float(event["ts"]))


async def fan_out(
    server: PodiumServer, agent_id: str, go: Path, total: int
) -> tuple[list[ClientLog], float, float]:
    """(each client's log, the server's CPU share while streaming, this process's)."""
    ws_url = server.url.replace("http", "ws", 1) + "/ws"
    logs = [ClientLog() for _ in range(CLIENTS)]
    finish = Finish(CLIENTS)
    tasks = [
        asyncio.create_task(follow(ws_url, agent_id, total, log, finish, DURATION + 20))
        for log in logs
    ]
    # Each subscribe is answered with the (empty) backlog; only then does the agent start.
    await asyncio.wait_for(asyncio.gather(*(log.subscribed.wait() for log in logs)), 15)
    process = psutil.Process(server.pid)
    cpu0, own0, began = _cpu(process), time.process_time(), time.perf_counter()
    await asyncio.to_thread(go.touch)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    server_cpu = (_cpu(process) - cpu0) / elapsed
    return logs, server_cpu, (time.process_time() - own0) / elapsed


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def start_producer(client: httpx.Client, work: Path, marks: Path) -> tuple[str, str, int]:
    """POST the job whose agent is the stand-in; (job id, agent id, stand-in pid) once it runs."""
    body = {"title": "fan-out producer", "description": "stream lines", "workDir": str(work)}
    response = client.post("/api/jobs", json=body)
    response.raise_for_status()
    job_id = response.json()["id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        agents = client.get("/api/agents", params={"jobId": job_id}).json()
        mark = marks / job_id
        if agents and mark.exists() and mark.read_text():
            return job_id, agents[0]["id"], int(mark.read_text())
        time.sleep(0.05)
    raise RuntimeError("the stand-in agent did not start")


def wait_job_settled(client: httpx.Client, job_id: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    status = "?"
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()["status"]
        if status not in ("queued", "running"):
            return str(status)
        time.sleep(0.2)
    return status


def measure_fan_out(server: PodiumServer, tmp: Path, standin: Path) -> dict[str, Any]:
    go, marks, work = tmp / "go", tmp / "marks", tmp / "work"
    total = int(RATE * DURATION)
    pid = None
    try:
        with server.client() as client:
            job_id, agent_id, pid = start_producer(client, work, marks)
            logs, server_cpu, own_cpu = asyncio.run(fan_out(server, agent_id, go, total))
            status = wait_job_settled(client, job_id, 30)
    finally:
        if pid is not None:
            kill_standin(pid, standin)
    print(
        f"  producer job {status}; server CPU {server_cpu * 100:.0f}% of a core, "
        f"these {CLIENTS} clients {own_cpu * 100:.0f}%"
    )
    return {"logs": logs, "total": total, "server_cpu": server_cpu}


def client_summary(log: ClientLog) -> dict[str, float]:
    """Lag p50/p95 overall, p95 over the first second (a cold server's one-off costs land
    there) and over the last EDGE_SEC (a client falling behind would show there)."""
    if not log.lags:
        nan = float("nan")
        return {"p50": nan, "p95": nan, "first": nan, "last": nan}
    start = min(w for w, _ in log.lags)
    end = max(w for w, _ in log.lags)
    lags = [lag for _, lag in log.lags]
    return {
        "p50": percentile(lags, 50),
        "p95": percentile(lags, 95),
        "first": percentile([lag for w, lag in log.lags if w < start + 1], 95),
        "last": percentile([lag for w, lag in log.lags if w >= end - EDGE_SEC], 95),
    }


def lag_by_second(logs: list[ClientLog]) -> list[float]:
    """All clients' lag p95 for each second of the stream, by when the line was written."""
    start = min((w for log in logs for w, _ in log.lags), default=0.0)
    seconds: dict[int, list[float]] = {}
    for log in logs:
        for written, lag in log.lags:
            seconds.setdefault(int(written - start), []).append(lag)
    return [percentile(seconds[k], 95) for k in sorted(seconds)]


def fan_out_metrics(result: dict[str, Any]) -> list[Metric]:
    logs: list[ClientLog] = result["logs"]
    total: int = result["total"]
    summaries = [client_summary(log) for log in logs]
    for n, (log, s) in enumerate(zip(logs, summaries, strict=True)):
        others = ", ".join(f"{k} {v}" for k, v in sorted(log.other.items()))
        print(
            f"  client {n}: {len(log.lines):,}/{total:,} lines, lag p50 {s['p50'] * MS:.0f} ms"
            f" p95 {s['p95'] * MS:.0f} ms (first 1 s {s['first'] * MS:.0f}, last {EDGE_SEC:g} s "
            f"{s['last'] * MS:.0f}); closed {log.close_code}; also {others or 'nothing'}"
        )
    trend = " ".join(f"{lag * MS:.0f}" for lag in lag_by_second(logs))
    print(f"  lag p95 by second of the stream (ms): {trend}")
    all_lags = [lag for log in logs for _, lag in log.lags]
    pickups = [lag for log in logs for lag in log.pickups]
    sends = [lag for log in logs for lag in log.sends]
    kept_up = sum(len(log.lines) == total and log.close_code is None for log in logs)
    return [
        Metric("lines streamed by the agent", float(total), "lines"),
        Metric(
            "lines delivered, worst of 10 clients",
            min(len(log.lines) for log in logs) / total * 100,
            "%",
            budget=100,
            higher_is_better=True,
        ),
        Metric(
            "clients that kept up (all lines, not closed)",
            float(kept_up),
            "count",
            budget=CLIENTS,
            higher_is_better=True,
        ),
        Metric("delivery lag p50 (all clients)", percentile(all_lags, 50) * MS, "ms"),
        Metric("delivery lag p95 (all clients)", percentile(all_lags, 95) * MS, "ms", budget=250),
        Metric(
            "delivery lag p95, worst client",
            max(s["p95"] for s in summaries) * MS,
            "ms",
            budget=250,
        ),
        Metric("lag p95 first 1 s, worst client", max(s["first"] for s in summaries) * MS, "ms"),
        Metric(
            f"lag p95 last {EDGE_SEC:g} s, worst client",
            max(s["last"] for s in summaries) * MS,
            "ms",
        ),
        Metric("lag part: line written → event stored p95", percentile(pickups, 95) * MS, "ms"),
        Metric("lag part: event stored → client p95", percentile(sends, 95) * MS, "ms"),
        Metric("server CPU while streaming", result["server_cpu"] * 100, "% core"),
    ]


# -- the run -----------------------------------------------------------------------------------
def run() -> list[Metric]:
    tmp = Path(tempfile.mkdtemp(prefix="podium-bench-dash-"))
    for sub in ("work", "marks"):
        (tmp / sub).mkdir()
    standin = write_standin(tmp, tmp / "go", tmp / "marks")
    server = bench_server(tmp / "data", claude_bin=standin, max_agents=1000)
    try:
        server.start()
        began = time.perf_counter()
        oldest = insert_jobs(server.data_dir / "orchestrator.db", tmp / "work", JOBS)
        print(f"  {JOBS:,} job rows inserted in {time.perf_counter() - began:.1f} s")
        api = measure_api(server)
        paint = measure_paint(server, oldest)
        fan = measure_fan_out(server, tmp, standin)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return api_metrics(api) + paint_metrics(paint) + fan_out_metrics(fan)
