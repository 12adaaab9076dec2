/** Names for the server's shapes, REST and WebSocket alike, from the generated schema.d.ts
 * (`npm run gen:api`). */
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
export type IntegrationStatus = Schemas["IntegrationStatus"];
export type BackupInfo = Schemas["BackupInfo"];
export type QueueStatus = Schemas["QueueStatus"];
export type QueueHold = Schemas["QueueHold"];

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

/** One output event: as streamed live (no `text`; renderers read `data` first) or as REST and
 * the WebSocket backlog send it (with the searchable `text`). */
export type OutputEvent = Schemas["StreamedEvent"] & Partial<Pick<Schemas["OutputEvent"], "text">>;

// ---- the WebSocket (/ws) -----------------------------------------------------------------

/** Every message the server sends on /ws, discriminated by `type`. */
export type ServerMessage = Schemas["ServerMessage"];
export type ServerMessageType = ServerMessage["type"];
/** The message of one `type`, e.g. `MessageOf<"job.updated">`. */
export type MessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;
export type Snapshot = Schemas["SnapshotData"];
/** The JSON frames of an interactive agent's terminal socket (/ws/terminal/{agentId}). */
export type TerminalMessage = Schemas["TerminalMessage"];

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
