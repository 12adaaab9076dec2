import { describe, expect, it } from "vitest";
import type { AgentWarning } from "../../api/types";
import { healthBadge } from "./health";

const warning = (kind: string, message: string): AgentWarning => ({
  kind,
  message,
  since: "2026-11-29T18:00:00Z",
});

describe("healthBadge", () => {
  it("is absent without warnings", () => {
    expect(healthBadge(undefined)).toBeNull();
    expect(healthBadge([])).toBeNull();
  });

  it("names the first warning, counts the rest, and lists every message", () => {
    const badge = healthBadge([
      warning("stalled", "no output for 10 min"),
      warning("high_turns", "40 of 50 turns used"),
    ]);
    expect(badge).toEqual({
      label: "stalled +1",
      title: "⚠ no output for 10 min\n⚠ 40 of 50 turns used",
      kinds: "stalled high_turns",
    });
  });

  it("shows an unknown kind as it is", () => {
    expect(healthBadge([warning("odd", "something")])?.label).toBe("odd");
  });
});
