/** Status sets in one place: which job statuses are finished, which agent statuses are live.
 * Everything on the page that asks "is this over?" asks here. */
import type { JobStatus } from "../api/types";

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

/** Finished for good: the job runs no more unless retried or continued. */
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["done", "failed", "cancelled"]);

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** An agent process that is starting or running (the server's LIVE_STATUSES). */
export function isLiveAgent(status: string | undefined): boolean {
  return status === "starting" || status === "running";
}
