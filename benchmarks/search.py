"""Search: `search_output(db, query, 50)` over the 1,000,000 events of the ingest benchmark.

Budget: p50 < 100 ms.

About 50 queries: very common words (in most events), mid-frequency and rare words, tokens that
occur once, two-word queries and prefix queries (`fou*`). One untimed pass warms the page cache;
each query's figure is the median of three timed runs. The database is the one `ingest` left in
`.bench/` (built here if missing)."""

from __future__ import annotations

import statistics
import time

from benchmarks import _corpus
from benchmarks._common import Metric, percentile
from benchmarks.ingest import build_database
from podium.insights.search import search_output

RUNS = 3


def queries() -> list[tuple[str, str]]:
    """(kind, query) pairs; vocabulary ranks follow the Zipf law the corpus was written with."""
    v = _corpus.VOCAB
    out = [("common", v[rank]) for rank in (0, 1, 2, 5, 10, 30, 100, 300)]
    out += [("mid", v[rank]) for rank in (1_000, 2_000, 3_500, 5_000, 7_500, 10_000)]
    out += [("rare", v[rank]) for rank in range(20_000, 30_000, 1_000)]
    out += [("unique", f"tk{turn:x}") for turn in (1, 4_242, 99_999, 250_000, 300_123)]
    out += [("absent", word) for word in ("zzzqqq", "nonexistentword")]
    pairs = [(0, 1), (0, 25_000), (3, 7_000), (50, 60), (1_000, 2_000), (10, 20_000), (2, 3)]
    out += [("two words", f"{v[a]} {v[b]}") for a, b in pairs]
    out += [("prefix", v[rank][:3] + "*") for rank in (0, 7, 40, 400, 4_000, 24_000)]
    out += [("prefix", v[rank][:5] + "*") for rank in (1, 900, 15_000)]
    return out


def run() -> list[Metric]:
    db = build_database()
    try:
        timed: list[tuple[float, str, str, int]] = []
        for kind, query in queries():
            hits = len(search_output(db, query, 50))  # warm-up
            runs = []
            for _ in range(RUNS):
                began = time.perf_counter()
                search_output(db, query, 50)
                runs.append(time.perf_counter() - began)
            timed.append((statistics.median(runs), kind, query, hits))
    finally:
        db.dispose()
    by_kind: dict[str, list[float]] = {}
    for seconds, kind, _query, _hits in timed:
        by_kind.setdefault(kind, []).append(seconds * 1000)
    for kind, values in by_kind.items():
        print(f"  {kind:<10} {len(values):>2} queries  median {statistics.median(values):8.1f} ms")
    print("  slowest:")
    for seconds, kind, query, hits in sorted(timed, reverse=True)[:5]:
        print(f"    {seconds * 1000:8.1f} ms  {kind:<9} {query!r} ({hits} hits)")
    all_ms = [seconds * 1000 for seconds, *_ in timed]
    return [
        Metric(f"search p50 over {len(all_ms)} queries", percentile(all_ms, 50), "ms", budget=100),
        Metric("search p95", percentile(all_ms, 95), "ms"),
        Metric("search max", max(all_ms), "ms"),
    ]
