"""ResourceMonitor: free memory, free disk and load, sampled when the dispatcher has queued jobs.

Why: an agent needs memory of its own (a Claude Code agent runs at ~275 MB RSS), its logs and
worktrees need disk, and on a saturated machine another agent only slows all the others. Rather
than start an agent that the machine cannot carry, the queue waits and says why."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import psutil

from podium.schemas import ApiModel

MB = 1024 * 1024


class ResourceSample(ApiModel):
    available_memory_mb: float
    free_disk_mb: float
    load_per_cpu: float


class Limits(Protocol):
    """The thresholds (live settings, podium.appsettings)."""

    @property
    def agent_memory_mb(self) -> int: ...
    @property
    def min_free_disk_mb(self) -> int: ...
    @property
    def max_load_per_cpu(self) -> float: ...


class ResourceMonitor:
    def __init__(self, disk_path: Path) -> None:
        self._disk_path = disk_path

    def sample(self) -> ResourceSample:
        path = self._disk_path
        while not path.exists() and path != path.parent:
            path = path.parent
        return ResourceSample(
            available_memory_mb=round(psutil.virtual_memory().available / MB, 1),
            free_disk_mb=round(psutil.disk_usage(str(path)).free / MB, 1),
            load_per_cpu=round(os.getloadavg()[0] / (os.cpu_count() or 1), 2),
        )


def resource_hold(sample: ResourceSample, limits: Limits, starting: int) -> str | None:
    """Why one more agent (after STARTING others in this dispatch) should not start, or None."""
    needed = limits.agent_memory_mb * (starting + 1)
    if limits.agent_memory_mb > 0 and sample.available_memory_mb < needed:
        return (
            f"low memory: {sample.available_memory_mb:.0f} MB free, one more agent needs "
            f"{needed} MB"
        )
    if sample.free_disk_mb < limits.min_free_disk_mb:
        return (
            f"low disk: {sample.free_disk_mb:.0f} MB free, the floor is "
            f"{limits.min_free_disk_mb} MB"
        )
    if 0 < limits.max_load_per_cpu < sample.load_per_cpu:
        return (
            f"machine busy: load {sample.load_per_cpu:.2f} per CPU, the ceiling is "
            f"{limits.max_load_per_cpu:.2f}"
        )
    return None
