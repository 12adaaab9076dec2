"""The diff of an agent run starts from the work tree as it was before the agent started."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

from tests.support.fake_host import FakeAgent
from tests.support.inprocess import Harness


async def test_an_edit_made_as_the_agent_starts_is_in_its_diff(
    harness: Harness, work_dir: Path
) -> None:
    def edit_at_once(agent: FakeAgent) -> None:
        (work_dir / "README.md").write_text("# changed before anything else\n")

    harness.host.on_start = edit_at_once
    job = harness.create("edit first", completion_checks=["diff_not_empty"])
    agent = await harness.host.next_agent()
    agent.finish("edited")
    done = await harness.status(job.id, "done", "failed")
    assert done.status == "done", done.status_reason
    assert "changed before anything else" in harness.services.agents.diff(agent.agent_id)


async def test_a_run_stopped_while_its_tree_is_snapshotted_never_starts(
    harness: Harness, work_dir: Path, tmp_path: Path
) -> None:
    # git asks the work dir's fsmonitor hook during the snapshot's `git add`: this one holds
    # the snapshot until the test writes a line to a FIFO, so the run is seen while starting.
    # Only its first call waits (mkdir is atomic); git may ask it again.
    gate, first = tmp_path / "gate", tmp_path / "first-call"
    os.mkfifo(gate)
    hook = tmp_path / "fsmonitor.sh"
    wait = f'if mkdir "{first}" 2>/dev/null; then read line < "{gate}"; fi'
    hook.write_text(f"#!/bin/sh\n{wait}\nexit 1\n")
    hook.chmod(0o755)
    config = ["git", "-C", str(work_dir), "config", "core.fsmonitor", str(hook)]
    await asyncio.to_thread(subprocess.run, config, check=True)
    # Read-write: opening never blocks, and the line waits in the pipe for the hook.
    gate_fd = os.open(gate, os.O_RDWR)
    try:
        job = harness.create("cancelled before it starts")
        running = await harness.status(job.id, "running")
        agent_id = running.current_agent_id
        assert agent_id is not None
        assert harness.services.agents.get(agent_id).status == "starting"
        assert harness.services.runner.is_live(agent_id)
        assert harness.services.runner.live_count == 1  # it holds its slot
        harness.services.jobs.cancel(job.id)
        os.write(gate_fd, b"go\n")
        await harness.until(
            lambda: harness.services.agents.get(agent_id).status == "exited", "the run ended"
        )
    finally:
        os.write(gate_fd, b"go\n")  # a failed test must not leave the snapshot waiting
        os.close(gate_fd)
    assert harness.host.agents == []  # no process was ever started
    assert harness.job(job.id).status == "cancelled"
    assert harness.services.runner.live_count == 0
