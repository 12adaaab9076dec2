/** The spec's card colours, from a job's status plus what the page knows about it. */
import type { Agent, Job, JobStatus } from "../../api/types";
import { isTerminal } from "../status";

export type CardColor = "orange" | "red" | "blue" | "green" | "dim" | "normal";

export interface ColorContext {
  /** The user opened the job since it last finished. */
  read?: boolean;
  /** A question from this job's agent awaits an answer. */
  pendingQuestion?: boolean;
  /** What the job's interactive agent reports of itself (see `interactiveActivity`). */
  interactiveActivity?: InteractiveActivity | null;
}

/** Idle: the CLI finished its turn and waits for terminal input (blue card). Waiting: it asks
 * the user something in the terminal, e.g. a permission prompt (red, like a pending question). */
export type InteractiveActivity = "idle" | "waiting";

const ACTIVE: ReadonlySet<JobStatus> = new Set(["queued", "scheduled", "waiting", "running"]);

export function cardColor(job: Pick<Job, "status" | "interactive">, ctx: ColorContext = {}): CardColor {
  if (job.status === "waiting_user" || (ctx.pendingQuestion && !isTerminal(job.status))) return "red";
  if (job.status === "running" && job.interactive) {
    if (ctx.interactiveActivity === "waiting") return "red";
    if (ctx.interactiveActivity === "idle") return "blue";
  }
  if (ACTIVE.has(job.status)) return "orange";
  if (job.status === "done") return ctx.read ? "normal" : "green";
  return "dim"; // failed, cancelled
}

/** What a running interactive job's current agent reports through its CLI's hooks (live agents:
 * snapshot plus `agent.updated`): idle or waiting for the user; null when busy or unknown. */
export function interactiveActivity(
  job: Pick<Job, "status" | "interactive" | "currentAgentId">,
  agents: ReadonlyMap<string, Agent>,
): InteractiveActivity | null {
  if (job.status !== "running" || !job.interactive || !job.currentAgentId) return null;
  const agent = agents.get(job.currentAgentId);
  if (!agent || agent.status === "exited") return null;
  return agent.activity === "idle" || agent.activity === "waiting" ? agent.activity : null;
}

export const COLOR_LABEL: Record<CardColor, string> = {
  orange: "Queued / running",
  red: "Waiting for you",
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
