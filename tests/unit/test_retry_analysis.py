"""The pieces of retry policy `analyze`: what the diagnosis is told and what the retry gets."""

from __future__ import annotations

from typing import Any

from podium.jobs import analysis
from podium.jobs.states import JobStatus

FAILED: dict[str, Any] = {
    "id": "job_1",
    "title": "Fix the build",
    "description": "  Make `make test` pass.  ",
    "context": {"branch": "main"},
    "status_reason": "agent exited with code 1",
}


def test_diagnosis_prompt_has_the_task_the_reason_and_the_end_of_the_output() -> None:
    events = [  # newest first, as stored
        {"kind": "error", "text": "tests failed"},
        {"kind": "thinking", "text": "hidden musing"},
        {"kind": "text", "text": "running tests"},
        {"kind": "text", "text": ""},
    ]
    output = analysis.recent_output(events)
    assert output == ["[text] running tests", "[error] tests failed"]
    prompt = analysis.diagnosis_prompt(FAILED, "agent exited with code 1", output)
    assert prompt.startswith('Job job_1 ("Fix the build") failed: agent exited with code 1.')
    assert "Make `make test` pass." in prompt
    assert prompt.rstrip().endswith("[text] running tests\n[error] tests failed")
    long = analysis.diagnosis_prompt(FAILED, None, ["x" * 10_000])
    assert "no reason given" in long
    assert "x" * analysis.OUTPUT_CHARS in long and "x" * (analysis.OUTPUT_CHARS + 1) not in long


def test_diagnosis_fields_mark_the_job_and_keep_it_cheap() -> None:
    fields = analysis.diagnosis_fields(FAILED, "boom", [], "claude-haiku-4-5")
    assert fields["model"] == "claude-haiku-4-5"
    assert fields["retry_policy"] == "none" and fields["max_turns"] == analysis.DIAGNOSIS_MAX_TURNS
    assert fields["parent_job_id"] == "job_1"
    assert analysis.diagnosed_job(fields) == "job_1"
    assert analysis.diagnosed_job({"context": {"diagnosesJob": 3}}) is None
    assert analysis.diagnosed_job(FAILED) is None


def test_retry_context_carries_the_diagnosis_or_why_there_is_none() -> None:
    done = analysis.retry_fields(FAILED, JobStatus.DONE, " Use the lockfile. ", None)
    assert done["context"] == {
        "branch": "main",
        "previousAttempt": "job_1",
        "failureReason": "agent exited with code 1",
        "failureDiagnosis": "Use the lockfile.",
    }
    lost = analysis.retry_fields(FAILED, JobStatus.FAILED, None, "stopped: turn limit")
    assert lost["context"]["failureDiagnosis"] == (
        "(no diagnosis: the diagnosis job failed: stopped: turn limit)"
    )
    assert FAILED["context"] == {"branch": "main"}  # the failed job's own context is untouched
