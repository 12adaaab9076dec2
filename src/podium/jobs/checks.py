"""Completion checks: rules a finished agent's work must pass before the job counts as done."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import RowMapping

from podium.agents import gitdiff

CHECK_TIMEOUT_SEC = 600


def run_checks(
    checks: list[str], *, work_dir: Path, base_tree: str | None, recent_events: list[RowMapping]
) -> str | None:
    """None when every check passes, else why the first failing one failed. Blocking: run it in a
    thread."""
    for check in checks:
        failure = _run_one(check, work_dir, base_tree, recent_events)
        if failure is not None:
            return f"completion check {check!r} failed: {failure}"
    return None


def _run_one(
    check: str, work_dir: Path, base_tree: str | None, recent_events: list[RowMapping]
) -> str | None:
    if check == "diff_not_empty":
        return None if gitdiff.diff_since(work_dir, base_tree).strip() else "no changes were made"
    if check == "no_error_in_output":
        for event in recent_events:
            if event["kind"] == "error" or (
                event["kind"] == "result" and (event["data"] or {}).get("isError")
            ):
                return f"error in output: {event['text'][:200]}"
        return None
    command = check.removeprefix("custom_command:")
    try:
        completed = subprocess.run(
            command,
            shell=True,
            cwd=work_dir,
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT_SEC,
        )
    except subprocess.TimeoutExpired:
        return f"timed out after {CHECK_TIMEOUT_SEC}s"
    if completed.returncode != 0:
        tail = (completed.stdout + completed.stderr).strip()[-500:]
        return f"exit code {completed.returncode}" + (f": {tail}" if tail else "")
    return None
