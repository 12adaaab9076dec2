"""Why a job failed, as a kind a retry policy can act on.

Retrying is only worth it when the next attempt can end differently: an overloaded or
rate-limited provider needs a pause first, a bad key or a refused request never heals by itself,
and a copy of a job that hit its budget, time or turn cap hits it again (a diagnosed retry may
still change course)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class FailureKind(StrEnum):
    RATE_LIMIT = "rate_limit"
    OVERLOADED = "overloaded"
    PROVIDER_ERROR = "provider_error"  # 5xx, timeouts, a dropped connection
    AUTH = "auth"
    INVALID_REQUEST = "invalid_request"
    TURN_LIMIT = "turn_limit"
    BUDGET = "budget"
    TIME = "time"
    CHECK_FAILED = "check_failed"
    AGENT_ERROR = "agent_error"
    CRASHED = "crashed"
    LAUNCH = "launch"
    DEPENDENCY = "dependency"
    INTERNAL = "internal"  # Podium itself could not judge the run


# An agent's error text, as the CLIs word API errors ("API Error: 529 ...", "overloaded_error").
_API_ERRORS: tuple[tuple[re.Pattern[str], FailureKind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (
            r"\b429\b|rate[_ ]?limit|usage limit|hit your \w*\s?limit|quota exceeded",
            FailureKind.RATE_LIMIT,
        ),
        (r"\b529\b|overloaded", FailureKind.OVERLOADED),
        (
            r"\b40[13]\b|authentication_error|permission_error|invalid.{0,12}api.?key",
            FailureKind.AUTH,
        ),
        (r"\b400\b|invalid_request_error", FailureKind.INVALID_REQUEST),
        (
            r"\b50[0-4]\b|api_error|timed? ?out|ECONNRESET|ECONNREFUSED|socket hang up",
            FailureKind.PROVIDER_ERROR,
        ),
    )
)

TRANSIENT = frozenset({FailureKind.RATE_LIMIT, FailureKind.OVERLOADED, FailureKind.PROVIDER_ERROR})
HOPELESS = frozenset({FailureKind.AUTH, FailureKind.INVALID_REQUEST, FailureKind.LAUNCH})
SAME_CAP_AGAIN = frozenset({FailureKind.BUDGET, FailureKind.TIME, FailureKind.TURN_LIMIT})
BACKOFF_SEC = 30.0
MAX_ATTEMPTS = 3  # attempts a job gets in all under a retry policy


def kind_of_agent_error(text: str) -> FailureKind:
    """What an agent's own error message says went wrong."""
    for pattern, kind in _API_ERRORS:
        if pattern.search(text):
            return kind
    return FailureKind.AGENT_ERROR


@dataclass(frozen=True, slots=True)
class RetryDecision:
    retry: bool
    delay_sec: float = 0.0
    diagnose: bool = False  # retry policy `analyze`: a diagnosis job first
    why_not: str | None = None


def decide_retry(policy: str, kind: FailureKind | None, attempt: int) -> RetryDecision:
    if policy not in ("same", "analyze"):
        return RetryDecision(False)
    if attempt >= MAX_ATTEMPTS:
        return RetryDecision(False, why_not=f"{attempt} attempts made")
    if kind in HOPELESS:
        return RetryDecision(False, why_not=f"not retried: a retry cannot fix {kind}")
    if kind in TRANSIENT:
        # The provider needs time, not a diagnosis: the same job again, after a pause.
        return RetryDecision(True, delay_sec=BACKOFF_SEC * 2 ** (attempt - 1))
    if policy == "same" and kind in SAME_CAP_AGAIN:
        return RetryDecision(False, why_not=f"not retried: a copy would hit the same {kind} cap")
    return RetryDecision(True, diagnose=policy == "analyze")
