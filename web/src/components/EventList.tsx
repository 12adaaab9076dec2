/** An agent's output events, readable: assistant text as markdown, tool calls and results folded
 * (click to expand), errors in red. Pure: given events, renders them. */
import { memo, useMemo, useState, type ReactNode } from "react";
import type { OutputEvent } from "../api/types";
import { eventText, oneLine, splitToolName, toolSummary } from "../state/live/outputLog";
import { formatCost } from "../state/format/format";
import { Markdown } from "./Markdown";

export interface EventListProps {
  events: OutputEvent[];
  /** Render at most this many of the newest events (older ones behind a button). */
  limit?: number;
  /** seq to highlight (search result). */
  highlightSeq?: number | null;
}

const DEFAULT_LIMIT = 1500;

export function EventList({ events, limit = DEFAULT_LIMIT, highlightSeq }: EventListProps) {
  const [extra, setExtra] = useState(0);
  const toolNames = useMemo(() => {
    const names = new Map<string, string>();
    for (const event of events) {
      if (event.kind === "tool_use" && typeof event.data?.id === "string") names.set(event.data.id, String(event.data.name ?? "tool"));
    }
    return names;
  }, [events]);

  let start = Math.max(0, events.length - limit - extra);
  if (highlightSeq != null) {
    const index = events.findIndex((event) => event.seq === highlightSeq);
    if (index >= 0 && index < start) start = Math.max(0, index - 20);
  }
  const shown = start > 0 ? events.slice(start) : events;

  return (
    <div className="event-list" data-testid="event-list">
      {start > 0 && (
        <button type="button" className="link-button earlier" onClick={() => setExtra((n) => n + limit)}>
          Show {Math.min(start, limit)} earlier events ({start} hidden)
        </button>
      )}
      {shown.map((event) => (
        <EventRow
          key={event.seq}
          event={event}
          toolName={event.kind === "tool_result" ? toolNames.get(String(event.data?.toolUseId ?? "")) : undefined}
          highlighted={event.seq === highlightSeq}
        />
      ))}
    </div>
  );
}

interface RowProps {
  event: OutputEvent;
  toolName?: string;
  highlighted: boolean;
}

export const EventRow = memo(function EventRow({ event, toolName, highlighted }: RowProps) {
  const data = event.data ?? {};
  const isError =
    event.kind === "error" ||
    (event.kind === "tool_result" && data.isError === true) ||
    (event.kind === "result" && data.isError === true);
  const className = `event event-${event.kind}${isError ? " event-error" : ""}${highlighted ? " event-highlight" : ""}`;
  return (
    <div className={className} data-testid="output-event" data-kind={event.kind} data-seq={event.seq} data-error={isError || undefined}>
      <EventBody event={event} toolName={toolName} isError={isError} />
    </div>
  );
});

function EventBody({ event, toolName, isError }: { event: OutputEvent; toolName?: string; isError: boolean }) {
  const data = event.data ?? {};
  const text = eventText(event);
  switch (event.kind) {
    case "text":
      if (data.role === "user") {
        return (
          <div className="user-message">
            <span className="event-label">You</span>
            <Markdown text={text} />
          </div>
        );
      }
      return <Markdown text={text} />;
    case "thinking":
      return (
        <Fold summary={<span className="muted">Thinking… {oneLine(text, 100)}</span>} icon="∴">
          <pre className="pre-wrap muted">{text}</pre>
        </Fold>
      );
    case "tool_use": {
      const { server, tool } = splitToolName(String(data.name ?? "tool"));
      return (
        <Fold
          icon="⚙"
          summary={
            <>
              {server && <span className="tool-server">{server}</span>}
              <span className="tool-name">{tool}</span> <code className="tool-arg">{toolSummary(data.input)}</code>
            </>
          }
        >
          <ToolInput input={data.input} />
        </Fold>
      );
    }
    case "tool_result": {
      const lines = text ? text.split("\n").length : 0;
      return (
        <Fold
          icon={isError ? "✗" : "↳"}
          summary={
            <>
              <span className="tool-name">{toolName ? `${splitToolName(toolName).tool} result` : "result"}</span>{" "}
              <span className="muted">
                {isError ? "error · " : ""}
                {lines} line{lines === 1 ? "" : "s"}
              </span>{" "}
              <code className="tool-arg">{oneLine(text, 120)}</code>
            </>
          }
        >
          <LongPre text={text} />
        </Fold>
      );
    }
    case "result": {
      const turns = typeof data.numTurns === "number" ? `${data.numTurns} turns` : null;
      const cost = typeof data.costUsd === "number" ? formatCost(data.costUsd) : null;
      const subtype = String(data.subtype ?? "");
      return (
        <div className="result-box">
          <div className="result-head">
            <span>{isError ? "✗ Run ended with an error" : "✓ Run finished"}</span>
            <span className="muted">{[subtype, turns, cost].filter(Boolean).join(" · ")}</span>
          </div>
          {text && (
            <Fold summary={<span className="muted">Final message: {oneLine(text, 100)}</span>} icon="≡">
              <Markdown text={text} />
            </Fold>
          )}
        </div>
      );
    }
    case "error":
      return (
        <div className="error-line">
          <span className="event-label">Error</span> <span className="pre-wrap">{text || JSON.stringify(data)}</span>
        </div>
      );
    case "init": {
      const model = typeof data.model === "string" ? data.model : null;
      const cwd = typeof data.cwd === "string" ? data.cwd : null;
      return (
        <div className="system-line">
          ● Session started{model ? ` · ${model}` : ""}
          {cwd ? ` · ${cwd}` : ""}
        </div>
      );
    }
    default:
      return (
        <Fold summary={<span className="muted">{event.kind}{data.subtype ? ` · ${String(data.subtype)}` : ""} {oneLine(text, 100)}</span>} icon="·">
          <pre className="pre-wrap muted">{JSON.stringify(data, null, 2)}</pre>
        </Fold>
      );
  }
}

function Fold({ summary, icon, children }: { summary: ReactNode; icon: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className={`fold${open ? " open" : ""}`}>
      <button type="button" className="fold-summary" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        <span className="fold-caret">{open ? "▾" : "▸"}</span>
        <span className="fold-icon">{icon}</span>
        <span className="fold-text">{summary}</span>
      </button>
      {open && <div className="fold-body">{children}</div>}
    </div>
  );
}

function ToolInput({ input }: { input: unknown }) {
  if (input && typeof input === "object") {
    const record = input as Record<string, unknown>;
    if (typeof record.command === "string") return <pre className="pre-wrap code">$ {record.command}</pre>;
    if (typeof record.old_string === "string" && typeof record.new_string === "string") {
      return (
        <div>
          <div className="muted">{String(record.file_path ?? "")}</div>
          <pre className="pre-wrap code diff-del">{record.old_string}</pre>
          <pre className="pre-wrap code diff-add">{record.new_string}</pre>
        </div>
      );
    }
  }
  return <pre className="pre-wrap code">{JSON.stringify(input, null, 2)}</pre>;
}

const LONG = 20_000;

function LongPre({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  if (!text) return <div className="muted">(no output)</div>;
  const shown = all || text.length <= LONG ? text : text.slice(0, LONG);
  return (
    <>
      <pre className="pre-wrap code">{shown}</pre>
      {shown.length < text.length && (
        <button type="button" className="link-button" onClick={() => setAll(true)}>
          Show all ({text.length.toLocaleString()} chars)
        </button>
      )}
    </>
  );
}
