/** The spec's card colours, from a job's status plus what the page knows about it. */
import type { AgentLive, Job, JobStatus } from "../api/types";

export type CardColor = "orange" | "red" | "blue" | "green" | "dim" | "normal";

export interface ColorContext {
  /** The user opened the job since it last finished. */
  read?: boolean;
  /** A question from this job's agent awaits an answer. */
  pendingQuestion?: boolean;
  /** The job's interactive agent sits idle waiting for terminal input (see `interactiveIdle`). */
  interactiveIdle?: boolean;
}

const ACTIVE: ReadonlySet<JobStatus> = new Set(["queued", "scheduled", "waiting", "running"]);

export function cardColor(job: Pick<Job, "status" | "interactive">, ctx: ColorContext = {}): CardColor {
  if (job.status === "waiting_user" || (ctx.pendingQuestion && !isFinished(job.status))) return "red";
  if (job.status === "running" && job.interactive && ctx.interactiveIdle) return "blue";
  if (ACTIVE.has(job.status)) return "orange";
  if (job.status === "done") return ctx.read ? "normal" : "green";
  return "dim"; // failed, cancelled
}

/** Whether a running interactive job's current agent reports itself idle (its CLI's Stop hook),
 * from the live agents (snapshot plus `agent.updated`). Busy, waiting or unknown is not idle. */
export function interactiveIdle(
  job: Pick<Job, "status" | "interactive" | "currentAgentId">,
  agents: ReadonlyMap<string, AgentLive>,
): boolean {
  if (job.status !== "running" || !job.interactive || !job.currentAgentId) return false;
  const agent = agents.get(job.currentAgentId);
  return agent?.activity === "idle" && agent.status !== "exited";
}

export function isFinished(status: JobStatus): boolean {
  return status === "done" || status === "failed" || status === "cancelled";
}

export const COLOR_LABEL: Record<CardColor, string> = {
  orange: "Queued / running",
  red: "Waiting for your answer",
  blue: "Interactive, idle",
  green: "Done, unread",
  dim: "Failed or cancelled",
  normal: "Done",
};

export const STATUS_LABEL: Record<JobStatus, string> = {
  queued: "queued",
  scheduled: "scheduled",
  waiting: "waiting on deps",
  running: "running",
  waiting_user: "needs answer",
  done: "done",
  failed: "failed",
  cancelled: "cancelled",
};
