"""What Podium makes of its model classifier's answer."""

from __future__ import annotations

import pytest

from podium.jobs.classify import MODEL_FOR, parse_answer


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ("simple", "simple"),
        ("Medium.", "medium"),
        ("  COMPLEX\n", "complex"),
        ("complex - it spans the storage and API layers", "complex"),
        ("It is simple", None),  # the first word decides; anything else is no answer
        ("", None),
        ("banana", None),
    ],
)
def test_the_first_word_names_the_class(answer: str, found: str | None) -> None:
    assert parse_answer(answer) == found


def test_each_class_has_a_model() -> None:
    assert MODEL_FOR == {"simple": "haiku", "medium": "sonnet", "complex": "opus"}
