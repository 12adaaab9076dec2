"""A synthetic 1,000,000-line Claude Code stream-json log, and the database it ingests into.

Both are cached in `.bench/` (git-ignored): generating the log takes a while, and the search
benchmark reuses the database the ingest benchmark built.

Words follow a Zipf law over a 30,000-word made-up vocabulary, so there are very common words
(`VOCAB[0]`), rare ones (rank > 20,000) and, in each tool result, one unique token `tk<hex>`."""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks._common import (
    CACHE_DIR,
    dumps,
    init_line,
    result_line,
    text_line,
    thinking_line,
    token_usage,
    tool_result_line,
    tool_use_line,
)

LINES = 1_000_000
VERSION = 2
SEED = 20251125
SESSION = "5a1e55e0-0000-4000-8000-00000000be9c"
AGENT_ID = "ag_benchingest"
JOB_ID = "job_benchingest"

_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou"]


def _vocabulary(size: int = 30_000) -> list[str]:
    rng = random.Random(SEED)
    syllables = [o + v for o in _ONSETS for v in _VOWELS]
    words: dict[str, None] = {}
    while len(words) < size:
        words["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


VOCAB = _vocabulary()


def log_path() -> Path:
    return CACHE_DIR / f"agent-log-{LINES}-v{VERSION}.ndjson"


def db_path() -> Path:
    return CACHE_DIR / f"agent-log-{LINES}-v{VERSION}.db"


def db_ready_marker() -> Path:
    return CACHE_DIR / f"agent-log-{LINES}-v{VERSION}.db.complete"


def ensure_log() -> Path:
    path = log_path()
    if not path.exists():
        print(f"  generating {LINES:,}-line log in {path} (once; cached) ...", flush=True)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        _generate(partial)
        partial.rename(path)
    return path


def _generate(path: Path) -> None:
    rng = random.Random(SEED)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(VOCAB))]
    pool = rng.choices(VOCAB, weights=weights, k=1_000_000)

    def words(n: int) -> str:
        start = rng.randrange(len(pool) - n)
        return " ".join(pool[start : start + n])

    with path.open("w") as out:
        out.write(dumps(init_line(SESSION)) + "\n")
        written, turn = 1, 0
        while written < LINES - 1:
            turn += 1
            msg, tool = f"msg_{turn:08x}", f"toolu_{turn:08x}"
            # Context grows, then is compacted; every response reports its own token counts.
            context = 3_000 + (turn * 1_370) % 150_000
            tokens = token_usage(
                rng.randint(1, 9), rng.randint(20, 900), context, rng.randint(0, 4_000)
            )
            batch = []
            if rng.random() < 0.1:
                batch.append(thinking_line(SESSION, msg, words(rng.randint(20, 60)), tokens))
            batch.append(text_line(SESSION, msg, words(rng.randint(8, 40)), tokens))
            a, b, c = pool[rng.randrange(len(pool))], VOCAB[rng.randrange(300)], VOCAB[turn % 997]
            command = f"grep -rn {a} src/{b}/{c}.py | head -n 40"
            batch.append(tool_use_line(SESSION, msg, tool, command, tokens))
            body = f"src/{b}/{c}.py:{turn % 400}: {words(rng.randint(40, 90))} tk{turn:x}"
            batch.append(tool_result_line(SESSION, tool, body))
            for line in batch[: LINES - 1 - written]:
                out.write(dumps(line) + "\n")
            written += min(len(batch), LINES - 1 - written)
        out.write(dumps(result_line(SESSION, turn)) + "\n")
