"""Which size an interactive agent's terminal should have when several people watch it.

Each viewer reports the size of its own terminal. The pane takes the smallest of them in each
direction, as tmux does for several attached clients: every viewer then sees the whole screen,
with no line drawn wider than its terminal. When a viewer leaves, the others' sizes decide
again; when the last one leaves, the pane keeps its size for the next."""

from __future__ import annotations

from collections.abc import Hashable

Size = tuple[int, int]


class ViewerSizes:
    def __init__(self) -> None:
        self._sizes: dict[str, dict[Hashable, Size]] = {}

    def report(self, agent_id: str, viewer: Hashable, cols: int, rows: int) -> Size:
        """Record VIEWER's size; returns the size the pane should have now."""
        viewers = self._sizes.setdefault(agent_id, {})
        viewers[viewer] = (cols, rows)
        return _smallest(viewers)

    def leave(self, agent_id: str, viewer: Hashable) -> Size | None:
        """Forget VIEWER; returns the size the remaining viewers need, or None if none is left
        (or none of them has said its size)."""
        viewers = self._sizes.get(agent_id)
        if viewers is None:
            return None
        viewers.pop(viewer, None)
        if not viewers:
            del self._sizes[agent_id]
            return None
        return _smallest(viewers)

    def forget(self, agent_id: str) -> None:
        self._sizes.pop(agent_id, None)


def _smallest(viewers: dict[Hashable, Size]) -> Size:
    return min(cols for cols, _ in viewers.values()), min(rows for _, rows in viewers.values())
