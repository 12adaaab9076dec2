import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { OutputEvent } from "../api/types";
import { EventList } from "./EventList";

afterEach(cleanup);

const events: OutputEvent[] = [
  { seq: 1, kind: "init", ts: 1, text: "", data: { model: "claude-sonnet-4-5", cwd: "/repo" } },
  { seq: 2, kind: "text", ts: 2, data: { text: "I will **look** first.\n\n- one\n- two" } },
  { seq: 3, kind: "tool_use", ts: 3, data: { id: "tu1", name: "Bash", input: { command: "ls -la" } } },
  { seq: 4, kind: "tool_result", ts: 4, data: { toolUseId: "tu1", content: "file-a\nfile-b", isError: false } },
  { seq: 5, kind: "tool_use", ts: 5, data: { id: "tu2", name: "mcp__podium__report_status", input: { message: "half way" } } },
  { seq: 6, kind: "tool_result", ts: 6, data: { toolUseId: "tu2", content: "No such file", isError: true } },
  { seq: 7, kind: "error", ts: 7, data: { message: "rate limited" } },
  { seq: 8, kind: "thinking", ts: 8, data: { text: "hmm, let me think" } },
  { seq: 9, kind: "result", ts: 9, data: { subtype: "success", isError: false, result: "All done", costUsd: 0.0123, numTurns: 4 } },
];

const rows = () => screen.getAllByTestId("output-event");
const row = (seq: number) => rows().find((el) => el.dataset.seq === String(seq))!;

describe("EventList", () => {
  it("renders one row per event with its kind", () => {
    render(<EventList events={events} />);
    expect(rows().map((el) => el.dataset.kind)).toEqual([
      "init",
      "text",
      "tool_use",
      "tool_result",
      "tool_use",
      "tool_result",
      "error",
      "thinking",
      "result",
    ]);
  });

  it("renders assistant text as markdown", () => {
    render(<EventList events={events} />);
    const text = row(2);
    expect(text.querySelector("strong")?.textContent).toBe("look");
    expect(text.querySelectorAll("li")).toHaveLength(2);
  });

  it("sanitises markdown html", () => {
    render(<EventList events={[{ seq: 1, kind: "text", ts: 0, data: { text: 'hi <img src=x onerror="alert(1)"><script>alert(2)</script>' } }]} />);
    const el = row(1);
    expect(el.querySelector("script")).toBeNull();
    expect(el.querySelector("img")?.getAttribute("onerror")).toBeNull();
  });

  it("folds tool calls and results until clicked", () => {
    render(<EventList events={events} />);
    const call = row(3);
    expect(call.textContent).toContain("Bash");
    expect(call.textContent).toContain("ls -la");
    expect(call.querySelector(".fold-body")).toBeNull();
    fireEvent.click(within(call).getByRole("button"));
    expect(call.querySelector(".fold-body")?.textContent).toContain("$ ls -la");

    const result = row(4);
    expect(result.textContent).toContain("Bash result");
    expect(result.textContent).toContain("2 lines");
    fireEvent.click(within(result).getByRole("button"));
    expect(result.querySelector(".fold-body")?.textContent).toContain("file-b");
  });

  it("shows MCP tools by their short name", () => {
    render(<EventList events={events} />);
    expect(row(5).querySelector(".tool-name")?.textContent).toBe("report_status");
    expect(row(5).querySelector(".tool-server")?.textContent).toBe("podium");
  });

  it("marks errors red: error events and failed tool results", () => {
    render(<EventList events={events} />);
    expect(row(6).className).toContain("event-error");
    expect(row(6).dataset.error).toBe("true");
    expect(row(7).className).toContain("event-error");
    expect(row(7).textContent).toContain("rate limited");
    expect(row(4).className).not.toContain("event-error");
    expect(row(9).className).not.toContain("event-error");
  });

  it("summarises the final result with turns and cost", () => {
    render(<EventList events={events} />);
    expect(row(9).textContent).toContain("Run finished");
    expect(row(9).textContent).toContain("4 turns");
    expect(row(9).textContent).toContain("$0.01");
  });

  it("renders live events that carry no text field", () => {
    render(<EventList events={[{ seq: 1, kind: "text", ts: 0, data: { text: "live words" } }]} />);
    expect(row(1).textContent).toContain("live words");
  });

  it("shows only the newest events past the limit, and the highlighted one", () => {
    const many: OutputEvent[] = Array.from({ length: 30 }, (_, i) => ({ seq: i + 1, kind: "text", ts: i, data: { text: `m${i + 1}` } }));
    const { rerender } = render(<EventList events={many} limit={10} />);
    expect(rows()).toHaveLength(10);
    expect(rows()[0].dataset.seq).toBe("21");
    fireEvent.click(screen.getByText(/earlier events/));
    expect(rows()).toHaveLength(20);
    rerender(<EventList events={many} limit={10} highlightSeq={2} />);
    expect(row(2).className).toContain("event-highlight");
  });
});
