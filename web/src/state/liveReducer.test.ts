import { describe, expect, it } from "vitest";
import { makeJob } from "../test/fixtures";
import { cardColor, interactiveActivity } from "./colors";
import { invalidationsFor } from "./invalidation";
import { finishedTransitions, initialLiveState, liveReducer, type LiveState } from "./liveReducer";
import type { ServerMessage } from "./messages";

const snapshot = (jobs = [makeJob(), makeJob()], jobsTotal = jobs.length): ServerMessage => ({
  type: "snapshot",
  data: { jobs, jobsTotal, settings: { maxConcurrentAgents: 20 }, liveAgents: 1 },
});

const apply = (state: LiveState, ...messages: ServerMessage[]) => liveReducer(state, { type: "messages", messages });

describe("liveReducer", () => {
  it("loads the snapshot and goes connected", () => {
    const jobs = [makeJob(), makeJob()];
    const state = apply(initialLiveState, snapshot(jobs, 900));
    expect(state.connection).toBe("connected");
    expect(state.ready).toBe(true);
    expect(state.epoch).toBe(1);
    expect(state.jobs.size).toBe(2);
    expect(state.jobsTotal).toBe(900);
    expect(state.snapshotCount).toBe(2);
    expect(state.settings?.maxConcurrentAgents).toBe(20);
  });

  it("applies job.updated and counts genuinely new jobs", () => {
    const old = makeJob();
    let state = apply(initialLiveState, snapshot([old], 10));
    state = apply(state, { type: "job.updated", data: { ...old, status: "running" } });
    expect(state.jobs.get(old.id)?.status).toBe("running");
    expect(state.jobsTotal).toBe(10);
    const fresh = makeJob();
    state = apply(state, { type: "job.updated", data: fresh });
    expect(state.jobs.has(fresh.id)).toBe(true);
    expect(state.jobsTotal).toBe(11);
  });

  it("does not count an old job beyond the snapshot as new", () => {
    const older = makeJob({ createdAt: "2020-01-01T00:00:00Z" });
    let state = apply(initialLiveState, snapshot([makeJob()], 600));
    state = apply(state, { type: "job.updated", data: older });
    expect(state.jobsTotal).toBe(600);
  });

  it("archiving and deleting adjust the total", () => {
    const job = makeJob();
    let state = apply(initialLiveState, snapshot([job], 5));
    state = apply(state, { type: "job.updated", data: { ...job, archived: true } });
    expect(state.jobsTotal).toBe(4);
    state = apply(state, { type: "job.updated", data: { ...job, archived: false } });
    expect(state.jobsTotal).toBe(5);
    state = apply(state, { type: "job.deleted", data: { id: job.id } });
    expect(state.jobs.has(job.id)).toBe(false);
    expect(state.jobsTotal).toBe(4);
    // a second delete (our own optimistic one, then the server's) changes nothing
    expect(apply(state, { type: "job.deleted", data: { id: job.id } })).toBe(state);
  });

  it("keeps live agent stats and the live agent count", () => {
    let state = apply(initialLiveState, snapshot([], 0));
    state = apply(state, { type: "agent.updated", data: { id: "ag1", jobId: "j", status: "running" } });
    state = apply(state, { type: "agent.updated", data: { id: "ag1", jobId: "j", numTurns: 3, costUsd: 0.5 } });
    expect(state.agents.get("ag1")).toMatchObject({ status: "running", numTurns: 3, costUsd: 0.5 });
    expect(state.liveAgents).toBe(2); // 1 from the snapshot + this one
    state = apply(state, { type: "agent.updated", data: { id: "ag1", jobId: "j", status: "exited" } });
    expect(state.liveAgents).toBe(1);
  });

  describe("an interactive agent's activity and its card colour", () => {
    const job = makeJob({ status: "running", interactive: true, currentAgentId: "itx1" });
    const colorIn = (state: LiveState) => {
      const known = state.jobs.get(job.id)!;
      return cardColor(known, { interactiveActivity: interactiveActivity(known, state.agents) });
    };
    const withAgents = (agents: unknown[]): ServerMessage => ({
      type: "snapshot",
      data: { jobs: [job], jobsTotal: 1, settings: null, liveAgents: agents.length, agents },
    });

    it("follows agent.updated: idle is blue, busy orange, waiting red; stats updates keep the activity", () => {
      let state = apply(initialLiveState, snapshot([job], 1));
      expect(colorIn(state)).toBe("orange"); // nothing known yet
      state = apply(state, { type: "agent.updated", data: { id: "itx1", jobId: job.id, activity: "idle" } });
      expect(colorIn(state)).toBe("blue");
      state = apply(state, { type: "agent.updated", data: { id: "itx1", jobId: job.id, activity: "busy" } });
      expect(colorIn(state)).toBe("orange");
      state = apply(state, { type: "agent.updated", data: { id: "itx1", jobId: job.id, activity: "waiting" } });
      expect(colorIn(state)).toBe("red");
      state = apply(
        state,
        { type: "agent.updated", data: { id: "itx1", jobId: job.id, activity: "idle" } },
        { type: "agent.updated", data: { id: "itx1", jobId: job.id, numTurns: 2, costUsd: 0.1 } },
      );
      expect(state.agents.get("itx1")).toMatchObject({ activity: "idle", numTurns: 2 });
      expect(colorIn(state)).toBe("blue");
    });

    it("is seeded from the snapshot's live agents, and a resync replaces it", () => {
      let state = apply(initialLiveState, withAgents([{ id: "itx1", jobId: job.id, status: "running", activity: "idle", numTurns: 1 }]));
      expect(state.agents.get("itx1")).toMatchObject({ status: "running", activity: "idle", numTurns: 1 });
      expect(colorIn(state)).toBe("blue");
      state = liveReducer(state, { type: "connection", state: "reconnecting" });
      state = apply(state, withAgents([{ id: "itx1", jobId: job.id, status: "running", activity: "busy" }]));
      expect(colorIn(state)).toBe("orange");
      // an agent known only from the snapshot is counted out when it exits
      state = apply(state, { type: "agent.updated", data: { id: "itx1", jobId: job.id, status: "exited" } });
      expect(state.liveAgents).toBe(0);
    });

    it("ignores malformed snapshot agents", () => {
      const state = apply(initialLiveState, withAgents([null, { jobId: job.id }, { id: "itx1", jobId: job.id, activity: "idle" }]));
      expect([...state.agents.keys()]).toEqual(["itx1"]);
    });
  });

  it("applies a whole batch at once without losing intermediate changes", () => {
    const a = makeJob();
    const b = makeJob();
    const before = apply(initialLiveState, snapshot([a, b], 2));
    const after = apply(
      before,
      { type: "job.updated", data: { ...a, status: "running" } },
      { type: "agent.updated", data: { id: "ag1", jobId: a.id, status: "running" } },
      { type: "agent.updated", data: { id: "ag1", jobId: a.id, numTurns: 2 } },
      { type: "job.deleted", data: { id: b.id } },
      { type: "agent.updated", data: { id: "ag1", jobId: a.id, status: "exited" } },
      { type: "job.updated", data: { ...a, status: "done" } },
    );
    expect(after.jobs.get(a.id)?.status).toBe("done");
    expect(after.jobs.has(b.id)).toBe(false);
    expect(after.agents.get("ag1")).toMatchObject({ status: "exited", numTurns: 2 });
    expect(after.liveAgents).toBe(1);
    // the previous state is untouched (React may still render it)
    expect(before.jobs.get(a.id)?.status).toBe("queued");
    expect(before.jobs.has(b.id)).toBe(true);
    expect(before.agents.size).toBe(0);
  });

  it("REST pages do not overwrite what the socket said, unless asked to", () => {
    const job = makeJob();
    let state = apply(initialLiveState, snapshot([job]));
    state = apply(state, { type: "job.updated", data: { ...job, status: "done" } });
    const stale = { ...job, status: "running" as const };
    state = liveReducer(state, { type: "jobs.merge", jobs: [stale, makeJob({ id: "paged" })] });
    expect(state.jobs.get(job.id)?.status).toBe("done");
    expect(state.jobs.has("paged")).toBe(true);
    state = liveReducer(state, { type: "jobs.merge", jobs: [stale], overwrite: true });
    expect(state.jobs.get(job.id)?.status).toBe("running");
  });

  describe("reconnect and resync", () => {
    it("a drop marks reconnecting and keeps the last picture on screen", () => {
      let state = apply(initialLiveState, snapshot());
      state = liveReducer(state, { type: "connection", state: "reconnecting" });
      expect(state.connection).toBe("reconnecting");
      expect(state.jobs.size).toBe(2);
    });

    it("the next snapshot replaces everything and bumps the epoch", () => {
      const kept = makeJob();
      const gone = makeJob();
      let state = apply(initialLiveState, snapshot([kept, gone], 2));
      state = liveReducer(state, { type: "jobs.merge", jobs: [makeJob({ id: "paged-before-drop" })] });
      state = apply(state, { type: "agent.updated", data: { id: "ag", jobId: kept.id, status: "running" } });
      state = liveReducer(state, { type: "connection", state: "reconnecting" });
      const updated = { ...kept, status: "done" as const };
      const added = makeJob();
      state = apply(state, snapshot([added, updated], 2));
      expect(state.connection).toBe("connected");
      expect(state.epoch).toBe(2);
      expect([...state.jobs.keys()].sort()).toEqual([added.id, kept.id].sort());
      expect(state.jobs.get(kept.id)?.status).toBe("done");
      expect(state.jobs.has(gone.id)).toBe(false);
      expect(state.jobs.has("paged-before-drop")).toBe(false);
      expect(state.agents.size).toBe(0);
    });

    it("a snapshot invalidates every cached query", () => {
      expect(invalidationsFor([snapshot()])).toEqual([[]]);
    });
  });

  it("lists jobs that just finished, for notifications", () => {
    const a = makeJob({ status: "running" });
    const b = makeJob({ status: "done" });
    const state = apply(initialLiveState, snapshot([a, b]));
    const finished = finishedTransitions(state, [
      { type: "job.updated", data: { ...a, status: "failed" } },
      { type: "job.updated", data: { ...b, status: "done" } },
      { type: "job.updated", data: makeJob({ status: "done" }) },
    ]);
    expect(finished.map((j) => j.id)).toEqual([a.id]);
  });
});

describe("invalidationsFor", () => {
  it("maps live events to the cached queries they make stale", () => {
    const keys = invalidationsFor([
      { type: "question.created", data: { id: "q" } },
      { type: "note.updated", data: { key: "k" } },
      { type: "lock.released", data: { id: "l" } },
      { type: "project.updated", data: { id: "p" } },
      { type: "job.status", data: { jobId: "j1", message: "hi" } },
      { type: "job.updated", data: makeJob({ id: "j2", status: "done", currentAgentId: "ag2" }) },
    ]);
    expect(keys).toEqual(
      expect.arrayContaining([["questions"], ["notes"], ["locks"], ["projects"], ["status-history", "j1"], ["agents", "j2"], ["diff", "ag2"]]),
    );
  });
});
