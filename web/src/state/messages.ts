/** The WebSocket protocol, as the client sees it. */
import type { AgentLive, AppSettings, Job, OutputEvent } from "../api/types";

export interface Snapshot {
  jobs: Job[];
  jobsTotal: number;
  settings: AppSettings | null;
  liveAgents: number;
  /** Agents starting or running, with their stats and (interactive ones) their activity. */
  agents?: AgentLive[];
}

export type ServerMessage =
  | { type: "snapshot"; data: Snapshot; ts?: number }
  | { type: "job.updated"; data: Job; ts?: number }
  | { type: "job.deleted"; data: { id: string }; ts?: number }
  | { type: "agent.updated"; data: AgentLive; ts?: number }
  | { type: "agent.output"; data: { agentId: string; jobId?: string; events: OutputEvent[] }; ts?: number }
  | { type: "agent.backlog"; data: { agentId: string; events: OutputEvent[] }; ts?: number }
  | { type: "settings.updated"; data: AppSettings; ts?: number }
  | { type: string; data: Record<string, unknown>; ts?: number };

export type ClientMessage =
  | { type: "subscribe"; agentId: string; after: number }
  | { type: "unsubscribe"; agentId: string }
  | { type: "ping" };

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "auth";

export function parseMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== "string") return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && typeof (value as { type?: unknown }).type === "string") {
      const message = value as ServerMessage;
      return { ...message, data: (message.data ?? {}) as ServerMessage["data"] } as ServerMessage;
    }
  } catch {
    /* not JSON: ignore */
  }
  return null;
}
