"""State machine, validation rules and small pure helpers of the job layer."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from podium.insights.search import fts_query
from podium.jobs.schemas import JobCreate
from podium.jobs.states import TERMINAL, JobStatus, can_transition, initial_status
from podium.jobs.titles import TITLE_LIMIT, title_from


def test_initial_status() -> None:
    assert initial_status(scheduled_in_future=True, has_open_dependencies=True) == "scheduled"
    assert initial_status(scheduled_in_future=False, has_open_dependencies=True) == "waiting"
    assert initial_status(scheduled_in_future=False, has_open_dependencies=False) == "queued"


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("queued", "running", True),
        ("running", "waiting_user", True),
        ("waiting_user", "running", True),
        ("running", "done", True),
        ("running", "scheduled", True),  # paused by a usage limit until it resets
        ("done", "queued", True),
        ("done", "running", False),
        ("cancelled", "done", False),
        ("scheduled", "running", False),
        ("waiting", "running", False),
    ],
)
def test_transitions(old: str, new: str, allowed: bool) -> None:
    assert can_transition(JobStatus(old), JobStatus(new)) is allowed


def test_terminal_states_only_go_back_to_the_queue() -> None:
    for status in TERMINAL:
        targets = [s for s in JobStatus if can_transition(status, s)]
        assert targets == [JobStatus.QUEUED]


@pytest.mark.parametrize(
    "body",
    [
        {"description": ""},
        {"description": "x", "priority": -11},
        {"description": "x", "stopMode": "sometimes"},
        {"description": "x", "completionChecks": ["custom_command:   "]},
        {"description": "x", "retryPolicy": "twice"},
        {"description": "x", "unknown": 1},
    ],
)
def test_invalid_bodies(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        JobCreate.model_validate(body)


def test_camel_case_body() -> None:
    job = JobCreate.model_validate(
        {
            "description": "x",
            "workDir": "/tmp",
            "stopMode": "budget",
            "stopValue": 1.5,
            "completionChecks": ["custom_command:make test", "diff_not_empty"],
        }
    )
    assert job.work_dir == "/tmp" and job.stop_value == 1.5


def test_titles() -> None:
    assert title_from("\n\n# Fix the login bug\nmore") == "Fix the login bug"
    long = title_from("word " * 50)
    assert len(long) <= TITLE_LIMIT and long.endswith("…")


def test_fts_query_never_passes_syntax_through() -> None:
    assert fts_query('NEAR( "x') == '"NEAR(" """x"'
    assert fts_query("deploy* fail") == '"deploy"* "fail"'
    assert fts_query("   ") == ""
