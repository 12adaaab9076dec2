import { describe, expect, it } from "vitest";
import { isLiveAgent, isTerminal, JOB_STATUSES } from "./status";

describe("status sets", () => {
  it("calls done, failed and cancelled terminal, and nothing else", () => {
    expect(JOB_STATUSES.filter(isTerminal)).toEqual(["done", "failed", "cancelled"]);
  });

  it("counts starting and running agents as live", () => {
    expect(["starting", "running", "exited", undefined].map(isLiveAgent)).toEqual([true, true, false, false]);
  });
});
