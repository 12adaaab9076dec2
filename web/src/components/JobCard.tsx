/** One agent card: colour by status, title, model, status message, elapsed, turns, cost, and a
 * badge while the running agent has health warnings. */
import { memo } from "react";
import type { Agent, Job } from "../api/types";
import { STATUS_LABEL, type CardColor } from "../state/format/colors";
import { healthBadge } from "../state/format/health";
import { elapsedMs, formatClock, formatCost, formatDuration, modelLabel } from "../state/format/format";
import { useNow } from "../state/page/useNow";
import { Icon } from "./Icon";
import { holdText } from "./QueueBanner";

interface JobCardProps {
  job: Job;
  color: CardColor;
  agent?: Agent;
  selected: boolean;
  onOpen: (job: Job) => void;
  compact?: boolean;
}

export const JobCard = memo(function JobCard({ job, color, agent, selected, onOpen, compact }: JobCardProps) {
  const ticking = job.status === "running" || job.status === "waiting_user";
  const now = useNow(ticking);
  const elapsed = elapsedMs(job, now);
  const cost = Math.max(job.costUsd ?? 0, agent?.costUsd ?? 0);
  const turns = agent?.numTurns;
  const failed = job.status === "failed" || job.status === "cancelled";
  const health = ticking ? healthBadge(agent?.warnings) : null;
  const pending = job.status === "queued" || job.status === "scheduled";
  const hold = pending && job.holdReason ? holdText({ reason: job.holdReason, until: job.heldUntil }) : null;
  const message = failed ? job.statusReason ?? job.statusMessage : hold ?? job.statusMessage;
  return (
    <div
      role="button"
      tabIndex={0}
      className={`job-card color-${color}${selected ? " selected" : ""}${compact ? " compact" : ""}`}
      data-testid={`job-card-${job.id}`}
      data-status={job.status}
      data-color={color}
      aria-selected={selected}
      onClick={() => onOpen(job)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onOpen(job);
        }
      }}
    >
      <div className="card-top">
        <span className="status-pill">{STATUS_LABEL[job.status]}</span>
        <span className="card-title" title={job.title}>
          {job.title}
        </span>
        {job.flagged && (
          <span className="flag" title="Flagged">
            ⚑
          </span>
        )}
        {health && (
          <span className="health" title={health.title} data-testid="health-warnings" data-kinds={health.kinds}>
            ⚠ {health.label}
          </span>
        )}
        {job.interactive && (
          <span className="badge" title="Interactive">
            tty
          </span>
        )}
      </div>
      <div className="card-meta">
        <span className="model" title="Model">
          {modelLabel(job)}
        </span>
        {elapsed !== null && (
          <span title="Elapsed">
            <Icon name="clock" size={11} /> {formatDuration(elapsed)}
          </span>
        )}
        {turns !== undefined && (
          <span title="Turns">
            <Icon name="turns" size={11} /> {turns}
          </span>
        )}
        <span title="Cost">{formatCost(cost)}</span>
        {job.priority !== 0 && <span title="Priority">p{job.priority > 0 ? `+${job.priority}` : job.priority}</span>}
      </div>
      {!compact && (
        <div
          className={`card-message${failed && job.statusReason ? " reason" : ""}${hold ? " held" : ""}`}
          title={message ?? undefined}
          data-testid={hold ? "hold-reason" : undefined}
        >
          {message ?? idleMessage(job, color)}
        </div>
      )}
    </div>
  );
});

/** What a card says when the agent has not reported anything. */
function idleMessage(job: Job, color: CardColor): string {
  if (color === "blue") return "Waiting for your input in the terminal";
  if (color === "red" && job.status === "running" && job.interactive) return "Asking you something in the terminal";
  switch (job.status) {
    case "queued":
      return "Waiting for a free slot";
    case "scheduled":
      return job.scheduledAt ? `Scheduled for ${formatClock(job.scheduledAt)}` : "Scheduled";
    case "waiting":
      return `Waiting on ${job.dependsOn.length} job${job.dependsOn.length === 1 ? "" : "s"}`;
    case "running":
      return "Working…";
    case "waiting_user":
      return "Waiting for your answer";
    default:
      return job.repeatIntervalSec ? `Repeats every ${formatDuration(job.repeatIntervalSec * 1000)}` : "\u00a0";
  }
}
