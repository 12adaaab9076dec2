import { describe, expect, it } from "vitest";
import type { AgentLive, JobStatus } from "../api/types";
import { makeJob } from "../test/fixtures";
import { cardColor, interactiveIdle } from "./colors";

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

  it("an idle interactive agent is blue; a busy one stays orange", () => {
    expect(cardColor(job("running", true), { interactiveIdle: true })).toBe("blue");
    expect(cardColor(job("running", true), { interactiveIdle: false })).toBe("orange");
    expect(cardColor(job("running", false), { interactiveIdle: true })).toBe("orange");
  });
});

describe("interactiveIdle", () => {
  const agents = (...list: AgentLive[]) => new Map(list.map((a) => [a.id, a]));
  const running = makeJob({ status: "running", interactive: true, currentAgentId: "ag1" });

  it("is the current agent's idle activity, for a running interactive job only", () => {
    expect(interactiveIdle(running, agents({ id: "ag1", jobId: running.id, activity: "idle" }))).toBe(true);
    expect(interactiveIdle(running, agents({ id: "ag1", jobId: running.id, activity: "busy" }))).toBe(false);
    expect(interactiveIdle(running, agents({ id: "ag1", jobId: running.id, activity: "waiting" }))).toBe(false);
    expect(interactiveIdle(running, agents({ id: "ag1", jobId: running.id, activity: null }))).toBe(false);
    expect(interactiveIdle(running, agents({ id: "ag1", jobId: running.id, status: "running" }))).toBe(false);
    expect(interactiveIdle(running, agents())).toBe(false);
  });

  it("ignores other agents, batch jobs, finished jobs and exited agents", () => {
    const idleOther = agents({ id: "ag0", jobId: running.id, activity: "idle" });
    expect(interactiveIdle(running, idleOther)).toBe(false);
    const idle = agents({ id: "ag1", jobId: running.id, activity: "idle" });
    expect(interactiveIdle({ ...running, interactive: false }, idle)).toBe(false);
    expect(interactiveIdle({ ...running, status: "done" }, idle)).toBe(false);
    expect(interactiveIdle({ ...running, currentAgentId: null }, idle)).toBe(false);
    expect(interactiveIdle(running, agents({ id: "ag1", jobId: running.id, activity: "idle", status: "exited" }))).toBe(false);
  });
});
