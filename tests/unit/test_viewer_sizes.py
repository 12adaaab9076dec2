"""ViewerSizes: the pane takes the smallest size of the viewers watching it."""

from __future__ import annotations

from podium.agents.interactive.viewer_sizes import ViewerSizes


def test_smallest_in_each_direction_and_regrows_when_a_viewer_leaves() -> None:
    sizes = ViewerSizes()
    assert sizes.report("ag1", "wide", 200, 40) == (200, 40)
    assert sizes.report("ag1", "tall", 120, 60) == (120, 40)
    assert sizes.report("ag1", "wide", 220, 50) == (120, 50), "a viewer's new size replaces its old"
    assert sizes.leave("ag1", "tall") == (220, 50)
    assert sizes.leave("ag1", "wide") is None, "nobody left: the pane keeps its size"
    assert sizes.leave("ag1", "wide") is None


def test_agents_are_apart_and_forget_drops_an_agent() -> None:
    sizes = ViewerSizes()
    sizes.report("ag1", "v", 80, 24)
    assert sizes.report("ag2", "v", 150, 45) == (150, 45)
    sizes.forget("ag1")
    assert sizes.report("ag1", "w", 100, 30) == (100, 30)
    assert sizes.leave("ag1", "never-reported") == (100, 30)
