"""Provider usage limits: when one resets, holding that provider's jobs until then, and pausing
a job whose agent hit the limit so that it continues (`--resume`) after the reset.

Why: a usage or rate limit is the provider's state, not the job's. Starting more agents on that
provider before the reset only fails them too, while the other provider's jobs can run; and a
job interrupted halfway should go on from where it was, not start over as a copy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import RowMapping

from podium.agents import repository as agents_repository
from podium.ids import now
from podium.jobs.failures import FailureKind
from podium.jobs.states import JobStatus
from podium.jobs.transitions import JobWrite

CONTINUE_PROMPT = (
    "Your provider's usage limit interrupted you and has reset now. Continue the task from "
    "where you left off."
)
MAX_LIMIT_PAUSES = 5  # per job; then it fails as before (and its retry policy applies)
MAX_PAUSE_SEC = 3600.0

_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_EPOCH = re.compile(r"limit reached\|(\d{10})(?:\d{3})?\b", re.IGNORECASE)
_ISO = re.compile(
    r"reset\w*\W{1,4}(?:at\s+)?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"(?:resets?|try again at)\s+(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?"
    r"(?:\s*\(([A-Za-z_]+/[A-Za-z_/]+|UTC)\))?",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"(?:try again|retry|resets?)\s+(?:in|after)\s+((?:\d+(?:\.\d+)?\s*[a-z]+[\s,and]*)+)",
    re.IGNORECASE,
)
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)
_RETRY_AFTER = re.compile(r"retry[- ]after\W{1,3}(\d+(?:\.\d+)?)\b", re.IGNORECASE)


def _seconds(number: str, unit: str) -> float | None:
    unit = unit.lower().rstrip("s") or "s"
    for name, factor in _UNITS.items():
        if unit == name or (len(unit) > 1 and name.startswith(unit)):
            return float(number) * factor
    return None


def reset_from_text(text: str, at: float) -> float | None:
    """When a usage limit resets, as the CLI's error text says (epoch seconds), else None.

    Forms: Claude Code's "Claude AI usage limit reached|<epoch>" and "... resets 3pm
    (Europe/Berlin)", an RFC 3339 time after "reset", Codex's "try again in 1 hour 5 minutes"
    and "try again at 3:04 PM", "retry-after: 30". AT is the time the text was read."""
    if match := _EPOCH.search(text):
        return float(match.group(1))
    if match := _ISO.search(text):
        stamp = datetime.fromisoformat(match.group(1).replace(" ", "T").replace("Z", "+00:00"))
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()
    if match := _DURATION.search(text):
        parts = [_seconds(n, u) for n, u in _DURATION_PART.findall(match.group(1))]
        if parts and all(part is not None for part in parts):
            return at + sum(part for part in parts if part is not None)
    if match := _RETRY_AFTER.search(text):
        return at + float(match.group(1))
    if match := _CLOCK.search(text):
        return _next_clock_time(match, at)
    return None


def _next_clock_time(match: re.Match[str], at: float) -> float | None:
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    try:
        zone = ZoneInfo(match.group(4)) if match.group(4) else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    current = datetime.fromtimestamp(at, zone or UTC) if zone else datetime.fromtimestamp(at)
    candidate = current.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate.timestamp() <= at:
        candidate += timedelta(days=1)
    return candidate.timestamp()


@dataclass(frozen=True, slots=True)
class ProviderHold:
    provider: str
    until: float
    reason: str


class ProviderHolds:
    """Which providers are held, until when (in memory: after a restart a held provider's
    paused jobs still wait for their `scheduledAt`, and the next limit holds it again)."""

    def __init__(self) -> None:
        self._holds: dict[str, ProviderHold] = {}

    def hold(self, provider: str, until: float, reason: str, at: float) -> None:
        """Hold PROVIDER until UNTIL; a hold in force is only ever extended."""
        current = self._holds.get(provider)
        if current is None or current.until < until or current.until <= at:
            self._holds[provider] = ProviderHold(provider, until, reason)

    def active(self, at: float) -> list[ProviderHold]:
        for provider in [p for p, hold in self._holds.items() if hold.until <= at]:
            del self._holds[provider]
        return sorted(self._holds.values(), key=lambda hold: hold.until)

    def get(self, provider: str, at: float) -> ProviderHold | None:
        hold = self._holds.get(provider)
        return hold if hold is not None and hold.until > at else None


class LimitPauses:
    """What a job whose agent hit a usage limit does instead of failing."""

    def __init__(self, holds: ProviderHolds, *, fallback_pause_sec: float) -> None:
        self._holds = holds
        self._fallback = fallback_pause_sec

    def pause(
        self, change: JobWrite, job: RowMapping, failure: FailureKind | None, reason: str | None
    ) -> bool:
        """Hold the agent's provider until the limit resets and, when the agent left a session
        to resume, schedule the job to continue then. False: the job fails as usual."""
        if failure is not FailureKind.RATE_LIMIT or not job["current_agent_id"]:
            return False
        agent = agents_repository.get(change.conn, job["current_agent_id"])
        if agent is None:
            return False
        at = now()
        pauses = int(job["limit_pauses"] or 0)
        said = reset_from_text(reason or "", at)
        until = said if said is not None and said > at else None
        if until is None:
            until = at + min(MAX_PAUSE_SEC, self._fallback * 2**pauses)
        provider = str(agent["provider"])
        why = f"{provider} usage limit" + ("" if said is not None else " (reset time not given)")
        self._holds.hold(provider, until, why, at)
        if not agent["session_id"] or pauses >= MAX_LIMIT_PAUSES:
            return False
        clock = datetime.fromtimestamp(until).strftime("%H:%M:%S")
        change.set_status(
            job["id"],
            JobStatus.SCHEDULED,
            reason=f"{why}: continues at {clock}",
            scheduled_at=until,
            continue_prompt=CONTINUE_PROMPT,
            hold_reason=why,
            held_until=until,
            limit_pauses=pauses + 1,
            finished_at=None,
        )
        return True
