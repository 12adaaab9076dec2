"""Request bodies are bounded and finite: what the API cannot store is refused as invalid."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from podium.api.routes.coordination import LockRequest
from podium.api.strict_json import non_finite_literal
from podium.insights.search import fts_query
from podium.jobs.schemas import JobCreate, JobPatch
from podium.projects.service import TemplatePatch


@pytest.mark.parametrize(
    ("body", "literal"),
    [
        (b'{"stopValue": NaN}', "NaN"),
        (b'{"a": [1, Infinity]}', "Infinity"),
        (b'{"a": {"b": -Infinity}}', "-Infinity"),
        (b'{"description": "NaN and Infinity in words"}', None),
        (b'{"stopValue": 1.5}', None),
        (b'{"broken": NaN', "NaN"),
        (b'{"broken": ', None),
    ],
)
def test_non_finite_literals_are_found_outside_strings(body: bytes, literal: str | None) -> None:
    assert non_finite_literal(body) == literal


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_models_refuse_non_finite_floats(value: float) -> None:
    with pytest.raises(ValidationError):
        JobCreate(description="x", stop_mode="time", stop_value=value)
    with pytest.raises(ValidationError):
        LockRequest(files=["a"], timeout_sec=value)


def test_lists_strings_and_integers_are_bounded() -> None:
    with pytest.raises(ValidationError):
        JobCreate(description="x", depends_on=[f"job_{i}" for i in range(1001)])
    with pytest.raises(ValidationError):
        JobCreate(description="x", repeat_interval_sec=2**63)
    with pytest.raises(ValidationError):
        JobCreate(description="x", title="t" * 501)
    with pytest.raises(ValidationError):
        JobCreate(description="x", context={"blob": "x" * 100_001})
    assert JobCreate(description="x", depends_on=["job_1"] * 2).depends_on == ["job_1"] * 2


def test_patches_leave_out_fields_but_never_null_them() -> None:
    assert JobPatch.model_validate({}).model_dump(exclude_unset=True) == {}
    assert JobPatch.model_validate({"projectId": None}).project_id is None
    for field in ("title", "priority", "flagged", "archived"):
        with pytest.raises(ValidationError):
            JobPatch.model_validate({field: None})
    with pytest.raises(ValidationError):
        TemplatePatch.model_validate({"content": None})
    assert TemplatePatch.model_validate({"model": None}).model_dump(exclude_unset=True) == {
        "model": None
    }


def test_nul_in_a_search_separates_words() -> None:
    assert fts_query("agent\x00output") == '"agent" "output"'
    assert fts_query("\x00") == ""
