import { describe, expect, it } from "vitest";
import type { Agent } from "../../api/types";
import { makeAgent, makeJob } from "../../test/fixtures";
import { cardColor, interactiveActivity } from "../format/colors";
import { finishedTransitions, initialLiveState, liveReducer, type LiveState } from "./liveReducer";
import { serverMessage as msg, type ServerMessage } from "../socket/messages";

const snapshot = (jobs = [makeJob(), makeJob()], jobsTotal = jobs.length, agents: Agent[] = []): ServerMessage =>
  msg("snapshot", { jobs, jobsTotal, settings: { maxConcurrentAgents: 20 }, liveAgents: agents.length || 1, agents });
const agentUpdated = (overrides: Partial<Agent>) => msg("agent.updated", makeAgent(overrides));

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
    state = apply(state, msg("job.updated", { ...old, status: "running" }));
    expect(state.jobs.get(old.id)?.status).toBe("running");
    expect(state.jobsTotal).toBe(10);
    const fresh = makeJob();
    state = apply(state, msg("job.updated", fresh));
    expect(state.jobs.has(fresh.id)).toBe(true);
    expect(state.jobsTotal).toBe(11);
  });

  it("does not count an old job beyond the snapshot as new", () => {
    const older = makeJob({ createdAt: "2020-01-01T00:00:00Z" });
    let state = apply(initialLiveState, snapshot([makeJob()], 600));
    state = apply(state, msg("job.updated", older));
    expect(state.jobsTotal).toBe(600);
  });

  it("archiving and deleting adjust the total", () => {
    const job = makeJob();
    let state = apply(initialLiveState, snapshot([job], 5));
    state = apply(state, msg("job.updated", { ...job, archived: true }));
    expect(state.jobsTotal).toBe(4);
    state = apply(state, msg("job.updated", { ...job, archived: false }));
    expect(state.jobsTotal).toBe(5);
    state = apply(state, msg("job.deleted", { id: job.id }));
    expect(state.jobs.has(job.id)).toBe(false);
    expect(state.jobsTotal).toBe(4);
    // a second delete (our own optimistic one, then the server's) changes nothing
    expect(apply(state, msg("job.deleted", { id: job.id }))).toBe(state);
  });

  it("keeps each agent as agent.updated last described it, and the live agent count", () => {
    let state = apply(initialLiveState, snapshot([], 0));
    state = apply(state, agentUpdated({ id: "ag1", jobId: "j", status: "running" }));
    state = apply(state, agentUpdated({ id: "ag1", jobId: "j", status: "running", numTurns: 3, costUsd: 0.5 }));
    expect(state.agents.get("ag1")).toMatchObject({ status: "running", numTurns: 3, costUsd: 0.5 });
    expect(state.liveAgents).toBe(2); // 1 from the snapshot + this one
    state = apply(state, agentUpdated({ id: "ag1", jobId: "j", status: "exited", numTurns: 3 }));
    expect(state.liveAgents).toBe(1);
    expect(state.agents.get("ag1")).toMatchObject({ status: "exited", numTurns: 3, costUsd: 0 });
  });

  describe("an interactive agent's activity and its card colour", () => {
    const job = makeJob({ status: "running", interactive: true, currentAgentId: "itx1" });
    const colorIn = (state: LiveState) => {
      const known = state.jobs.get(job.id)!;
      return cardColor(known, { interactiveActivity: interactiveActivity(known, state.agents) });
    };
    const itx = (overrides: Partial<Agent>) => makeAgent({ id: "itx1", jobId: job.id, interactive: true, ...overrides });

    it("follows agent.updated: idle is blue, busy orange, waiting red", () => {
      let state = apply(initialLiveState, snapshot([job], 1));
      expect(colorIn(state)).toBe("orange"); // nothing known yet
      state = apply(state, msg("agent.updated", itx({ activity: "idle" })));
      expect(colorIn(state)).toBe("blue");
      state = apply(state, msg("agent.updated", itx({ activity: "busy" })));
      expect(colorIn(state)).toBe("orange");
      state = apply(state, msg("agent.updated", itx({ activity: "waiting" })));
      expect(colorIn(state)).toBe("red");
      // a stats update carries the whole agent, activity included
      state = apply(state, msg("agent.updated", itx({ activity: "idle" })), msg("agent.updated", itx({ activity: "idle", numTurns: 2 })));
      expect(state.agents.get("itx1")).toMatchObject({ activity: "idle", numTurns: 2 });
      expect(colorIn(state)).toBe("blue");
    });

    it("is seeded from the snapshot's live agents, and a resync replaces it", () => {
      let state = apply(initialLiveState, snapshot([job], 1, [itx({ activity: "idle", numTurns: 1 })]));
      expect(state.agents.get("itx1")).toMatchObject({ status: "running", activity: "idle", numTurns: 1 });
      expect(colorIn(state)).toBe("blue");
      state = liveReducer(state, { type: "connection", state: "reconnecting" });
      state = apply(state, snapshot([job], 1, [itx({ activity: "busy" })]));
      expect(colorIn(state)).toBe("orange");
      // an agent known only from the snapshot is counted out when it exits
      state = apply(state, msg("agent.updated", itx({ status: "exited" })));
      expect(state.liveAgents).toBe(0);
    });
  });

  it("applies a whole batch at once without losing intermediate changes", () => {
    const a = makeJob();
    const b = makeJob();
    const before = apply(initialLiveState, snapshot([a, b], 2));
    const after = apply(
      before,
      msg("job.updated", { ...a, status: "running" }),
      agentUpdated({ id: "ag1", jobId: a.id, status: "running" }),
      agentUpdated({ id: "ag1", jobId: a.id, status: "running", numTurns: 2 }),
      msg("job.deleted", { id: b.id }),
      agentUpdated({ id: "ag1", jobId: a.id, status: "exited", numTurns: 2 }),
      msg("job.updated", { ...a, status: "done" }),
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
    state = apply(state, msg("job.updated", { ...job, status: "done" }));
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
      state = apply(state, agentUpdated({ id: "ag", jobId: kept.id, status: "running" }));
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
  });

  it("lists jobs that just finished, for notifications", () => {
    const a = makeJob({ status: "running" });
    const b = makeJob({ status: "done" });
    const state = apply(initialLiveState, snapshot([a, b]));
    const finished = finishedTransitions(state, [
      msg("job.updated", { ...a, status: "failed" }),
      msg("job.updated", { ...b, status: "done" }),
      msg("job.updated", makeJob({ status: "done" })),
    ]);
    expect(finished.map((j) => j.id)).toEqual([a.id]);
  });
});
