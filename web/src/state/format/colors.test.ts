import { describe, expect, it } from "vitest";
import type { Agent, JobStatus } from "../../api/types";
import { makeAgent, makeJob } from "../../test/fixtures";
import { cardColor, interactiveActivity } from "./colors";

const job = (status: JobStatus, interactive = false) => ({ status, interactive });

describe("cardColor", () => {
  it.each<[JobStatus, string]>([
    ["queued", "orange"],
    ["scheduled", "orange"],
    ["waiting", "orange"],
    ["running", "orange"],
    ["waiting_user", "red"],
    ["failed", "dim"],
    ["cancelled", "dim"],
  ])("%s is %s", (status, color) => {
    expect(cardColor(job(status))).toBe(color);
  });

  it("done is green until read, then normal", () => {
    expect(cardColor(job("done"), { read: false })).toBe("green");
    expect(cardColor(job("done"))).toBe("green");
    expect(cardColor(job("done"), { read: true })).toBe("normal");
  });

  it("a pending question turns a running job red, but not a finished one", () => {
    expect(cardColor(job("running"), { pendingQuestion: true })).toBe("red");
    expect(cardColor(job("done"), { pendingQuestion: true, read: true })).toBe("normal");
  });

  it("an idle interactive agent is blue, one waiting for the user red; a busy one stays orange", () => {
    expect(cardColor(job("running", true), { interactiveActivity: "idle" })).toBe("blue");
    expect(cardColor(job("running", true), { interactiveActivity: "waiting" })).toBe("red");
    expect(cardColor(job("running", true), { interactiveActivity: null })).toBe("orange");
    expect(cardColor(job("running", false), { interactiveActivity: "idle" })).toBe("orange");
    expect(cardColor(job("running", false), { interactiveActivity: "waiting" })).toBe("orange");
  });
});

describe("interactiveActivity", () => {
  const agents = (...list: Partial<Agent>[]) => new Map(list.map((a) => makeAgent(a)).map((a) => [a.id, a]));
  const running = makeJob({ status: "running", interactive: true, currentAgentId: "ag1" });

  it("is the current agent's idle or waiting activity, for a running interactive job only", () => {
    expect(interactiveActivity(running, agents({ id: "ag1", jobId: running.id, activity: "idle" }))).toBe("idle");
    expect(interactiveActivity(running, agents({ id: "ag1", jobId: running.id, activity: "waiting" }))).toBe("waiting");
    expect(interactiveActivity(running, agents({ id: "ag1", jobId: running.id, activity: "busy" }))).toBeNull();
    expect(interactiveActivity(running, agents({ id: "ag1", jobId: running.id, activity: null }))).toBeNull();
    expect(interactiveActivity(running, agents({ id: "ag1", jobId: running.id, status: "running" }))).toBeNull();
    expect(interactiveActivity(running, agents())).toBeNull();
  });

  it("ignores other agents, batch jobs, finished jobs and exited agents", () => {
    const idleOther = agents({ id: "ag0", jobId: running.id, activity: "idle" });
    expect(interactiveActivity(running, idleOther)).toBeNull();
    const idle = agents({ id: "ag1", jobId: running.id, activity: "idle" });
    expect(interactiveActivity({ ...running, interactive: false }, idle)).toBeNull();
    expect(interactiveActivity({ ...running, status: "done" }, idle)).toBeNull();
    expect(interactiveActivity({ ...running, currentAgentId: null }, idle)).toBeNull();
    expect(interactiveActivity(running, agents({ id: "ag1", jobId: running.id, activity: "idle", status: "exited" }))).toBeNull();
  });
});
