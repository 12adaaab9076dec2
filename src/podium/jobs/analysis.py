"""Retry policy `analyze`: a failed job first gets a short diagnosis by a cheap model, then a
retry that is told what went wrong and what to do differently.

Both are ordinary jobs, so they show on the dashboard, can be cancelled and are costed. The
diagnosis is a child of the failed job; the retry is created when the diagnosis ends (from the
job lifecycle, like any follow-up), so nothing waits or polls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping

from podium.jobs.states import JobStatus

# Context key that marks a diagnosis job and names the failed job it is about.
DIAGNOSES = "diagnosesJob"
DIAGNOSIS_MAX_TURNS = 10
OUTPUT_CHARS = 4000
OUTPUT_KINDS = ("text", "tool_use", "tool_result", "result", "error", "raw")


def diagnosis_prompt(failed: RowMapping, reason: str | None, output: Sequence[str]) -> str:
    shown = "\n".join(output)[-OUTPUT_CHARS:] or "(it printed nothing)"
    return (
        f'Job {failed["id"]} ("{failed["title"]}") failed: {reason or "no reason given"}.\n\n'
        "Find out why. Read its task and its last output below, and look at the work directory "
        "as it is now, but change no files. Answer in a few sentences: the cause, and what the "
        "next attempt should do differently. Your answer is handed to that attempt.\n\n"
        f"## The failed job's task\n\n{failed['description'].strip()}\n\n"
        f"## The end of its output\n\n{shown}\n"
    )


def recent_output(events: Sequence[RowMapping]) -> list[str]:
    """An agent's last events (newest first, as stored) as lines, oldest first."""
    lines = []
    for event in reversed(events):
        if event["kind"] in OUTPUT_KINDS and event["text"]:
            lines.append(f"[{event['kind']}] {event['text'].strip()}")
    return lines


def diagnosis_fields(
    failed: RowMapping, reason: str | None, output: Sequence[str], model: str
) -> dict[str, Any]:
    """How the diagnosis job differs from the failed job it copies (work dir, project)."""
    return {
        "title": f"Diagnose: {failed['title']}"[:200],
        "description": diagnosis_prompt(failed, reason, output),
        "model": model,
        "model_classification": None,
        "max_turns": DIAGNOSIS_MAX_TURNS,
        "stop_mode": None,
        "stop_value": None,
        "use_worktree": False,
        "interactive": False,
        "context": {DIAGNOSES: failed["id"]},
        "template_id": None,
        "repeat_interval_sec": None,
        "retry_policy": "none",
        "completion_checks": [],
        "parent_job_id": failed["id"],
    }


def diagnosed_job(job: RowMapping) -> str | None:
    """The failed job this job diagnoses, if it is a diagnosis."""
    context = job["context"] or {}
    value = context.get(DIAGNOSES) if isinstance(context, dict) else None
    return value if isinstance(value, str) else None


def retry_fields(
    failed: RowMapping, diagnosis_status: JobStatus, diagnosis: str | None, why: str | None
) -> dict[str, Any]:
    """The refined retry: the failed job again, with what went wrong in its context."""
    if diagnosis_status is JobStatus.DONE and diagnosis:
        found = diagnosis.strip()
    else:
        found = f"(no diagnosis: the diagnosis job {diagnosis_status.value}: {why or 'unknown'})"
    context = dict(failed["context"] or {})
    context.update(
        previousAttempt=failed["id"],
        failureReason=failed["status_reason"] or "unknown",
        failureDiagnosis=found,
    )
    return {"context": context}
