import { describe, expect, it } from "vitest";
import type { OutputEvent } from "../../api/types";
import { parseDiff } from "../format/diff";
import { eventText, mergeEvents, splitToolName, toolSummary } from "./outputLog";

const ev = (seq: number, extra: Partial<OutputEvent> = {}): OutputEvent => ({ seq, kind: "text", ts: seq, data: { text: `t${seq}` }, ...extra });

describe("mergeEvents", () => {
  it("appends in order and dedupes overlaps from backlog and live", () => {
    let events = mergeEvents([], [ev(1), ev(2)]);
    events = mergeEvents(events, [ev(3)]);
    events = mergeEvents(events, [ev(2), ev(3), ev(4)]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("prefers the copy with text over a live one without", () => {
    const live = ev(5, { text: undefined });
    const rest = ev(5, { text: "full" });
    expect(mergeEvents([live], [rest])[0].text).toBe("full");
    expect(mergeEvents([rest], [live])[0].text).toBe("full");
  });

  it("returns the same array when nothing is new", () => {
    const events = [ev(1)];
    expect(mergeEvents(events, [])).toBe(events);
  });
});

describe("eventText", () => {
  it("reads data first (live events carry no text)", () => {
    expect(eventText({ seq: 1, kind: "text", ts: 0, data: { text: "hello" } })).toBe("hello");
    expect(eventText({ seq: 1, kind: "tool_result", ts: 0, data: { content: "out" } })).toBe("out");
    expect(eventText({ seq: 1, kind: "error", ts: 0, data: { message: "boom" } })).toBe("boom");
    expect(eventText({ seq: 1, kind: "result", ts: 0, data: { result: "fin" } })).toBe("fin");
    expect(eventText({ seq: 1, kind: "raw", ts: 0, text: "raw line", data: {} })).toBe("raw line");
  });
});

describe("tool names and summaries", () => {
  it("splits MCP tool names", () => {
    expect(splitToolName("mcp__podium__report_status")).toEqual({ server: "podium", tool: "report_status" });
    expect(splitToolName("Bash")).toEqual({ server: null, tool: "Bash" });
  });

  it("summarises common inputs", () => {
    expect(toolSummary({ command: "ls -la\n  && echo hi" })).toBe("ls -la && echo hi");
    expect(toolSummary({ file_path: "/a/b.ts", content: "x" })).toBe("/a/b.ts");
    expect(toolSummary({ other: 1 })).toBe('{"other":1}');
  });
});

describe("parseDiff", () => {
  it("splits files and classifies lines", () => {
    const text = [
      "diff --git a/src/a.ts b/src/a.ts",
      "index 1..2 100644",
      "--- a/src/a.ts",
      "+++ b/src/a.ts",
      "@@ -1,2 +1,2 @@",
      " same",
      "-old",
      "+new",
      "+more",
      "diff --git a/new.md b/new.md",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/new.md",
      "@@ -0,0 +1 @@",
      "+hello",
      "",
    ].join("\n");
    const files = parseDiff(text);
    expect(files.map((f) => [f.path, f.added, f.removed])).toEqual([
      ["src/a.ts", 2, 1],
      ["new.md", 1, 0],
    ]);
    expect(files[0].lines.map((l) => l.kind)).toEqual(["meta", "meta", "meta", "hunk", "context", "del", "add", "add"]);
  });
});
