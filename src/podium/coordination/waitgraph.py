"""The wait-for graph between agents: which waiting agent waits for which holder, and the cycle
a new wait would close (a deadlock, refused rather than waited out)."""

from __future__ import annotations

from podium.errors import PodiumError

Graph = dict[str, dict[str, set[str]]]  # waiting agent -> holder agent -> paths in between
Cycle = list[tuple[str, str, set[str]]]


class DeadlockError(PodiumError):
    status_code = 409
    code = "deadlock"


def find_cycle(agent_id: str, edges: dict[str, set[str]], graph: Graph) -> Cycle | None:
    """The cycle `agent_id` would close by waiting along `edges`, if any."""
    for first in sorted(edges):
        rest = _route(first, agent_id, graph, set())
        if rest is not None:
            return [(agent_id, first, edges[first]), *rest]
    return None


def _route(node: str, target: str, graph: Graph, seen: set[str]) -> Cycle | None:
    """Depth-first: the edges leading from `node` to `target` in the wait-for graph."""
    if node == target:
        return []
    if node in seen:
        return None
    seen.add(node)
    out = graph.get(node, {})
    for nxt in sorted(out):
        rest = _route(nxt, target, graph, seen)
        if rest is not None:
            return [(node, nxt, out[nxt]), *rest]
    return None


def describe(cycle: Cycle) -> str:
    steps = "; ".join(
        f"agent {a} waits for agent {b}, which holds {', '.join(sorted(paths))}"
        for a, b, paths in cycle
    )
    return f"deadlock: request refused, it would close a wait cycle: {steps}"
