import { beforeEach, describe, expect, it } from "vitest";
import { isRead, markRead, resetReadCacheForTests } from "./readState";

describe("read tracking", () => {
  beforeEach(() => {
    localStorage.clear();
    resetReadCacheForTests();
  });

  it("a finished job is unread until opened, and unread again after it finishes anew", () => {
    const job = { id: "j1", status: "done" as const, finishedAt: "2026-01-01T00:00:10Z" };
    expect(isRead(job)).toBe(false);
    markRead(job);
    expect(isRead(job)).toBe(true);
    resetReadCacheForTests(); // survives a reload
    expect(isRead(job)).toBe(true);
    expect(isRead({ ...job, finishedAt: "2026-01-01T00:05:00Z" })).toBe(false);
  });

  it("does not mark jobs that have not finished", () => {
    markRead({ id: "j2", status: "running", finishedAt: null });
    expect(isRead({ id: "j2", finishedAt: "2026-01-01T00:00:00Z" })).toBe(false);
  });
});
