import { describe, expect, it } from "vitest";
import { makeAgent, makeJob } from "../../test/fixtures";
import { serverMessage as msg } from "../socket/messages";
import { invalidationsFor } from "./invalidation";

describe("invalidationsFor", () => {
  it("a snapshot invalidates every cached query", () => {
    const snapshot = msg("snapshot", { jobs: [], jobsTotal: 0, settings: { maxConcurrentAgents: 20 }, liveAgents: 0, agents: [] });
    expect(invalidationsFor([snapshot])).toEqual([[]]);
  });

  it("maps live events to the cached queries they make stale", () => {
    const keys = invalidationsFor([
      msg("question.expired", { id: "q" }),
      msg("note.deleted", { key: "k" }),
      msg("lock.released", { id: "l", path: "/a", agentId: "ag" }),
      msg("project.deleted", { id: "p" }),
      msg("job.status", { jobId: "j1", agentId: null, message: "hi", ts: 1 }),
      msg("job.updated", makeJob({ id: "j2", status: "done", currentAgentId: "ag2" })),
    ]);
    expect(keys).toEqual(
      expect.arrayContaining([["questions"], ["notes"], ["locks"], ["projects"], ["status-history", "j1"], ["agents", "j2"], ["diff", "ag2"]]),
    );
  });

  it("refreshes a job's agent list when an agent's status changes, not on every stats update", () => {
    const known = new Map([["ag1", makeAgent({ id: "ag1", jobId: "j1", status: "running" })]]);
    const stats = msg("agent.updated", makeAgent({ id: "ag1", jobId: "j1", status: "running", numTurns: 4 }));
    expect(invalidationsFor([stats], known)).toEqual([]);
    const exited = msg("agent.updated", makeAgent({ id: "ag1", jobId: "j1", status: "exited" }));
    expect(invalidationsFor([stats, exited], known)).toEqual([["agents", "j1"]]);
    const fresh = msg("agent.updated", makeAgent({ id: "ag9", jobId: "j9", status: "running" }));
    expect(invalidationsFor([fresh], known)).toEqual([["agents", "j9"]]);
  });
});
