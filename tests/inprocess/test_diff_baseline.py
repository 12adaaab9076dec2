"""The diff of an agent run starts from the work tree as it was before the agent started."""

from __future__ import annotations

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
