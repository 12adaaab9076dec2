import { describe, expect, it } from "vitest";
import type { JobStatus } from "../api/types";
import { cardColor } from "./colors";

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
