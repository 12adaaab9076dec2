"""What a failure's kind makes of a retry policy."""

from __future__ import annotations

import pytest

from podium.jobs.failures import FailureKind as K
from podium.jobs.failures import decide_retry, kind_of_agent_error


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}', K.OVERLOADED),
        ("API Error: Repeated 529 Overloaded errors", K.OVERLOADED),
        ("API Error: 429 rate_limit_error: slow down", K.RATE_LIMIT),
        ("Invalid API key · Please run /login", K.AUTH),
        ('API Error: 401 {"type":"authentication_error"}', K.AUTH),
        ('API Error: 400 {"type":"invalid_request_error","message":"nope"}', K.INVALID_REQUEST),
        ("API Error: 500 Internal server error", K.PROVIDER_ERROR),
        ("Request timed out.", K.PROVIDER_ERROR),
        ("The tests still fail after three tries", K.AGENT_ERROR),
    ],
)
def test_error_texts(text: str, kind: K) -> None:
    assert kind_of_agent_error(text) is kind


def test_no_policy_never_retries() -> None:
    assert not decide_retry("none", K.CRASHED, 1).retry


def test_transient_errors_wait_longer_each_time_under_either_policy() -> None:
    for policy in ("same", "analyze"):
        first, second = decide_retry(policy, K.OVERLOADED, 1), decide_retry(policy, K.RATE_LIMIT, 2)
        assert (first.retry, first.delay_sec, first.diagnose) == (True, 30.0, False)
        assert (second.retry, second.delay_sec) == (True, 60.0)
    assert not decide_retry("same", K.PROVIDER_ERROR, 3).retry  # three attempts in all


@pytest.mark.parametrize("kind", [K.AUTH, K.INVALID_REQUEST, K.LAUNCH])
def test_what_a_retry_cannot_fix_is_not_retried(kind: K) -> None:
    for policy in ("same", "analyze"):
        decision = decide_retry(policy, kind, 1)
        assert not decision.retry and decision.why_not == f"not retried: a retry cannot fix {kind}"


@pytest.mark.parametrize("kind", [K.BUDGET, K.TIME, K.TURN_LIMIT])
def test_a_cap_stops_a_copy_but_not_a_diagnosed_retry(kind: K) -> None:
    assert not decide_retry("same", kind, 1).retry
    analyzed = decide_retry("analyze", kind, 1)
    assert analyzed.retry and analyzed.diagnose and analyzed.delay_sec == 0


@pytest.mark.parametrize("kind", [K.CRASHED, K.AGENT_ERROR, K.CHECK_FAILED, None])
def test_other_failures_retry_at_once(kind: K | None) -> None:
    same, analyzed = decide_retry("same", kind, 1), decide_retry("analyze", kind, 2)
    assert same.retry and not same.diagnose and same.delay_sec == 0
    assert analyzed.retry and analyzed.diagnose
