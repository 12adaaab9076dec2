"""Reading when a provider's usage limit resets from what the agent CLIs print."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from podium.db.engine import Database
from podium.db.tables import agents
from podium.events import EventBus
from podium.jobs import repository
from podium.jobs.domain_events import DomainEvents
from podium.jobs.failures import FailureKind, kind_of_agent_error
from podium.jobs.limits import (
    CONTINUE_PROMPT,
    MAX_LIMIT_PAUSES,
    LimitPauses,
    ProviderHolds,
    reset_from_text,
)
from podium.jobs.transitions import StatusWriter

AT = datetime(2026, 12, 3, 14, 20, 0).timestamp()  # local time, as the CLI prints it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Claude AI usage limit reached|1796310000", 1796310000.0),
        (
            "API Error: Request rejected (429) · Claude AI usage limit reached|1796310000",
            1796310000.0,
        ),
        (
            "rate limited; resets at 2026-12-03T15:00:00Z",
            datetime.fromisoformat("2026-12-03T15:00:00+00:00").timestamp(),
        ),
        ("You've hit your usage limit. Try again in 1 hour 5 minutes.", AT + 3900),
        ("Rate limit reached. Please try again in 20s.", AT + 20),
        ("429 Too Many Requests, retry-after: 30", AT + 30),
        ("You've hit your session limit · resets 3pm", datetime(2026, 12, 3, 15, 0).timestamp()),
        ("limit · resets 2:05pm", datetime(2026, 12, 4, 14, 5).timestamp()),  # past: tomorrow
        (
            "You've hit your usage limit. Upgrade to Pro or try again at 3:04 PM.",
            datetime(2026, 12, 3, 15, 4).timestamp(),
        ),
        (
            "API Error: Request rejected (429) · Number of requests has exceeded your rate limit",
            None,
        ),
        ("", None),
    ],
)
def test_reset_time_from_the_error_text(text: str, expected: float | None) -> None:
    assert reset_from_text(text, AT) == (pytest.approx(expected) if expected else None)


def test_reset_in_a_named_time_zone() -> None:
    at = datetime.fromisoformat("2026-12-03T10:00:00+00:00").timestamp()
    reset = reset_from_text("You've hit your weekly limit · resets 3pm (Europe/Berlin)", at)
    assert reset == datetime.fromisoformat("2026-12-03T15:00:00+01:00").timestamp()


@pytest.mark.parametrize(
    "text",
    [
        "API Error: Request rejected (429) · Number of requests has exceeded your rate limit",
        "Claude AI usage limit reached|1796310000",
        "You've hit your usage limit. Upgrade to Pro or try again in 5 minutes.",
    ],
)
def test_usage_limits_are_rate_limits(text: str) -> None:
    assert kind_of_agent_error(text) is FailureKind.RATE_LIMIT


def test_a_provider_hold_lasts_until_the_latest_reset() -> None:
    holds = ProviderHolds()
    holds.hold("claude", AT + 60, "claude usage limit", AT)
    holds.hold("claude", AT + 30, "claude usage limit", AT)  # an earlier reset: no shorter
    assert holds.get("claude", AT) is not None and holds.get("claude", AT + 59) is not None
    assert holds.get("codex", AT) is None
    assert holds.get("claude", AT + 61) is None
    assert [h.provider for h in holds.active(AT)] == ["claude"]
    assert holds.active(AT + 61) == []


def _job_with_agent(db: Database, *, session: str | None, pauses: int = 0) -> str:
    with db.write() as conn:
        repository.insert(
            conn,
            {
                "id": "job_1",
                "title": "t",
                "description": "d",
                "status": "running",
                "work_dir": "/tmp",
                "created_at": time.time(),
                "current_agent_id": "agent_1",
                "limit_pauses": pauses,
            },
        )
        conn.execute(
            agents.insert().values(
                id="agent_1",
                job_id="job_1",
                provider="claude",
                status="exited",
                log_path="/tmp/none.ndjson",
                work_dir="/tmp",
                created_at=time.time(),
                session_id=session,
            )
        )
    return "job_1"


def _pause(db: Database, holds: ProviderHolds, reason: str) -> bool:
    limits = LimitPauses(holds, fallback_pause_sec=60)
    writer = StatusWriter(db, EventBus(), DomainEvents(db))
    with writer.write() as change:
        job = repository.get(change.conn, "job_1")
        assert job is not None
        return limits.pause(change, job, FailureKind.RATE_LIMIT, reason)


def test_no_reset_given_pauses_for_the_fallback_doubling(tmp_path: Path) -> None:
    db = Database(tmp_path / "orchestrator.db")
    db.migrate()
    _job_with_agent(db, session="sess-1", pauses=2)
    holds = ProviderHolds()
    before = time.time()
    said = "agent reported an error: API Error: Request rejected (429) · rate limit exceeded"
    assert _pause(db, holds, said)
    with db.read() as conn:
        job = repository.get(conn, "job_1")
    assert job is not None
    assert job["status"] == "scheduled" and job["continue_prompt"] == CONTINUE_PROMPT
    assert job["scheduled_at"] - before == pytest.approx(240, abs=2)  # 60 s doubled twice
    assert job["held_until"] == job["scheduled_at"] and job["limit_pauses"] == 3
    assert job["hold_reason"] == "claude usage limit (reset time not given)"
    hold = holds.get("claude", time.time())
    assert hold is not None and hold.until == job["scheduled_at"]


def test_without_a_session_or_past_the_last_pause_the_job_fails_but_holds_its_provider(
    tmp_path: Path,
) -> None:
    for n, (session, pauses) in enumerate([(None, 0), ("sess-1", MAX_LIMIT_PAUSES)]):
        db = Database(tmp_path / f"db{n}" / "orchestrator.db")
        db.migrate()
        _job_with_agent(db, session=session, pauses=pauses)
        holds = ProviderHolds()
        assert not _pause(db, holds, "Claude AI usage limit reached|4102444800")
        with db.read() as conn:
            job = repository.get(conn, "job_1")
        assert job is not None and job["status"] == "running"  # left to fail as usual
        hold = holds.get("claude", time.time())
        assert hold is not None and hold.until == 4102444800.0
