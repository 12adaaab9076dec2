"""A readable title from a description when the user gives none."""

from __future__ import annotations

TITLE_LIMIT = 80


def title_from(description: str) -> str:
    first = next((line.strip() for line in description.splitlines() if line.strip()), "Job")
    first = first.lstrip("#*- ").strip() or "Job"
    if len(first) <= TITLE_LIMIT:
        return first
    cut = first[: TITLE_LIMIT - 1].rsplit(" ", 1)[0]
    return (cut or first[: TITLE_LIMIT - 1]) + "…"
