"""Reading when a provider's usage limit resets from what the agent CLIs print."""

from __future__ import annotations

from datetime import datetime

import pytest

from podium.jobs.failures import FailureKind, kind_of_agent_error
from podium.jobs.limits import ProviderHolds, reset_from_text

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
