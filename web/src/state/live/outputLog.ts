/** An agent's output as a list ordered by seq: merging REST pages, the WS backlog and live
 * events (which may overlap) without duplicates. */
import type { OutputEvent } from "../../api/types";

export function mergeEvents(existing: OutputEvent[], incoming: OutputEvent[]): OutputEvent[] {
  if (incoming.length === 0) return existing;
  const last = existing.length ? existing[existing.length - 1].seq : -Infinity;
  // Fast path: everything new comes after what we have, in order.
  let ordered = true;
  let previous = last;
  for (const event of incoming) {
    if (event.seq <= previous) {
      ordered = false;
      break;
    }
    previous = event.seq;
  }
  if (ordered) return existing.concat(incoming);
  const bySeq = new Map<number, OutputEvent>();
  for (const event of existing) bySeq.set(event.seq, event);
  for (const event of incoming) {
    const known = bySeq.get(event.seq);
    // Prefer the copy that carries `text` (REST/backlog) over a live one without it.
    if (!known || (known.text === undefined && event.text !== undefined)) bySeq.set(event.seq, event);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export function lastSeq(events: OutputEvent[]): number {
  return events.length ? events[events.length - 1].seq : 0;
}

/** The readable text of an event, whichever of `data` and `text` carries it. */
export function eventText(event: OutputEvent): string {
  const data = event.data ?? {};
  switch (event.kind) {
    case "text":
    case "thinking":
      return str(data.text) ?? event.text ?? "";
    case "tool_result":
      return str(data.content) ?? event.text ?? "";
    case "result":
      return str(data.result) ?? event.text ?? "";
    case "error":
      return str(data.message) ?? str(data.error) ?? event.text ?? "";
    default:
      return event.text ?? str(data.text) ?? str(data.message) ?? "";
  }
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    // tool_result content may be a list of blocks
    return value
      .map((block) => (typeof block === "string" ? block : (block as { text?: string })?.text ?? JSON.stringify(block)))
      .join("\n");
  }
  return undefined;
}

/** MCP tools arrive as `mcp__<server>__<tool>`; show the tool and its server apart. */
export function splitToolName(name: string): { server: string | null; tool: string } {
  const match = /^mcp__([^_]+(?:_[^_]+)*?)__(.+)$/.exec(name);
  return match ? { server: match[1], tool: match[2] } : { server: null, tool: name };
}

/** One-line summary of a tool call's input, e.g. `echo hi` for Bash or a path for Edit. */
export function toolSummary(input: unknown): string {
  if (!input || typeof input !== "object") return "";
  const record = input as Record<string, unknown>;
  for (const field of ["command", "file_path", "path", "pattern", "url", "query", "description", "prompt"]) {
    if (typeof record[field] === "string") return oneLine(record[field] as string);
  }
  const json = JSON.stringify(input);
  return oneLine(json === "{}" ? "" : json);
}

export function oneLine(text: string, max = 160): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
