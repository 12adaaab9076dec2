/** Names for the server's shapes, from the generated schema.d.ts (`npm run gen:api`), plus the
 * few the schema cannot express (live WebSocket payloads). */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Job = Schemas["Job"];
export type JobCreate = Schemas["JobCreate"];
export type JobPatch = Schemas["JobPatch"];
export type JobStatus = Schemas["JobStatus"];
export type RetryPolicy = Job["retryPolicy"];
export type Agent = Schemas["Agent"];
export type AgentWarning = Schemas["AgentWarning"];
export type OutputPage = Schemas["OutputPage"];
export type Project = Schemas["Project"];
export type Template = Schemas["Template"];
export type TemplateCreate = Schemas["TemplateCreate"];
export type TemplatePatch = Schemas["TemplatePatch"];
export type UsageReport = Schemas["UsageReport"];
export type UsageRow = Schemas["UsageRow"];
export type ProviderTotal = Schemas["ProviderTotal"];
export type SearchHit = Schemas["SearchHit"];
export type ModelInfo = Schemas["ModelInfo"];
export type AppSettings = Schemas["AppSettings"];

export const JOB_STATUSES: readonly JobStatus[] = [
  "queued",
  "scheduled",
  "waiting",
  "running",
  "waiting_user",
  "done",
  "failed",
  "cancelled",
];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["done", "failed", "cancelled"]);

export type EventKind =
  | "init"
  | "text"
  | "thinking"
  | "tool_use"
  | "tool_result"
  | "result"
  | "error"
  | "system"
  | "raw";

/** One output event. Events from REST and the WS backlog carry `text`; live WS events do not,
 * so renderers read `data` first. */
export interface OutputEvent {
  seq: number;
  kind: EventKind | string;
  ts: number;
  text?: string;
  data: Record<string, unknown>;
}

/** Partial agent stats pushed as `agent.updated` (and the live agents of a snapshot). */
export interface AgentLive {
  id: string;
  jobId: string;
  status?: string;
  /** Interactive agents: busy | idle | waiting, from the CLI's hooks (null before the first). */
  activity?: string | null;
  /** Health warnings while it runs (stalled, near its caps, long running); [] once cleared. */
  warnings?: AgentWarning[];
  numTurns?: number;
  costUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  [key: string]: unknown;
}

// ---- coordination (questions, notes, locks, status history) --------------------------------
// Views treat a 404 from these as "not available on this server" and show an empty state.

export type Question = Schemas["Question"];
export type Note = Schemas["Note"];
export type Lock = Schemas["Lock"];
export type StatusHistoryEntry = Schemas["StatusUpdate"];

/** The error body every 4xx carries. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}
