"""Checks on a new job's input that its schema alone cannot make (paths on this machine, stop
settings that depend on each other)."""

from __future__ import annotations

from pathlib import Path

from podium.errors import InvalidInput
from podium.jobs.schemas import JobCreate


def checked_work_dir(raw: str | None) -> Path:
    path = Path(raw).expanduser() if raw else Path.cwd()
    if not path.is_absolute():
        path = Path.cwd() / path
    if not path.exists():
        raise InvalidInput(f"workDir {path} does not exist", field="workDir")
    if not path.is_dir():
        raise InvalidInput(f"workDir {path} is not a directory", field="workDir")
    return path.resolve()


def check_stop(body: JobCreate) -> None:
    if body.stop_mode is None:
        if body.stop_value is not None:
            raise InvalidInput("stopValue needs a stopMode", field="stopMode")
        return
    if body.stop_mode == "completion":
        if body.stop_value is not None and body.stop_value <= 0:
            raise InvalidInput("stopValue must be positive", field="stopValue")
        return
    if body.stop_value is None or body.stop_value <= 0:
        raise InvalidInput(
            f"stopMode {body.stop_mode} needs a positive stopValue", field="stopValue"
        )
    if body.stop_mode == "turns" and body.stop_value != int(body.stop_value):
        raise InvalidInput("stopValue for turns must be a whole number", field="stopValue")
