"""What an ended agent run means for its job: done, failed (and why, as a kind a retry policy
acts on) or cancelled. Pure, so tests and the restart path judge a run exactly as the live
path does."""

from __future__ import annotations

from dataclasses import dataclass

from podium.agents.runs import AgentOutcome
from podium.jobs.failures import FailureKind, kind_of_agent_error
from podium.jobs.states import JobStatus

# The exit statuses of a shell that could not run the agent's CLI: not executable, not found.
SHELL_COULD_NOT_RUN = (126, 127)
# Agent stops that fail the job, by what stopped it.
STOP_FAILURES = {
    "budget": FailureKind.BUDGET,
    "time": FailureKind.TIME,
    "turns": FailureKind.TURN_LIMIT,
}

# The stop reason of an agent stopped after it called finish_job.
FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class Verdict:
    status: JobStatus
    reason: str | None
    result: str | None
    failure: FailureKind | None = None


def judge(outcome: AgentOutcome, max_turns: int, reported: str | None = None) -> Verdict:
    """`reported` is what the agent gave finish_job, if it called it: that is the run's result,
    however the process ended after it (stopped by us, or its own closing turn)."""
    if reported is not None and outcome.stop_reason in (None, FINISHED):
        return Verdict(JobStatus.DONE, "finished by the agent", reported or None)
    result = outcome.result
    text = result.text if result is not None else None
    stopped = STOP_FAILURES.get(outcome.stop_reason or "")
    if stopped is not None:
        return Verdict(JobStatus.FAILED, f"stopped: {outcome.stop_detail}", text, stopped)
    if outcome.stop_reason is not None:
        return Verdict(JobStatus.CANCELLED, outcome.stop_detail or outcome.stop_reason, text)
    if result is None:
        detail = f"agent exited with code {outcome.exit_code}"
        if outcome.stderr_tail:
            detail += f": {outcome.stderr_tail[-500:]}"
        kind = kind_of_agent_error(outcome.stderr_tail)
        if outcome.exit_code in SHELL_COULD_NOT_RUN:
            kind = FailureKind.LAUNCH  # the CLI is missing or not executable
        elif kind is FailureKind.AGENT_ERROR:
            kind = FailureKind.CRASHED  # nothing said what went wrong
        return Verdict(JobStatus.FAILED, detail, None, kind)
    if result.subtype == "error_max_turns":
        turns = result.num_turns or max_turns
        reason = f"stopped: turn limit reached ({turns} turns)"
        return Verdict(JobStatus.FAILED, reason, text, FailureKind.TURN_LIMIT)
    if result.is_error:
        said = (text or result.subtype)[:500]
        reason = f"agent reported an error: {said}"
        return Verdict(JobStatus.FAILED, reason, text, kind_of_agent_error(said))
    if outcome.exit_code not in (0, None):
        # A CLI that died mid-turn may have said something that looks like a result.
        reason = f"agent exited with code {outcome.exit_code}"
        return Verdict(JobStatus.FAILED, reason, text, FailureKind.CRASHED)
    return Verdict(JobStatus.DONE, None, text)
