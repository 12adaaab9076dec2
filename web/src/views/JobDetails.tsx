/** The Details tab: every field of the job, its runs, and its status history. */
import type { ReactNode } from "react";
import type { Agent, Job } from "../api/types";
import { useStatusHistory } from "../state/queries";
import { formatClock, formatCost, formatTokens, modelLabel } from "../state/format/format";
import { Markdown } from "../components/Markdown";
import { useLive } from "../state/live/LiveProvider";

export function JobDetails({ job, agents, onOpenJob }: { job: Job; agents: Agent[]; onOpenJob: (id: string) => void }) {
  const history = useStatusHistory(job.id);
  const { state } = useLive();
  const jobLink = (id: string) => (
    <button key={id} type="button" className="link-button" onClick={() => onOpenJob(id)}>
      {state.jobs.get(id)?.title ?? id}
    </button>
  );
  const rows: [string, ReactNode][] = [
    ["ID", <code>{job.id}</code>],
    ["Status", `${job.status}${job.statusReason ? ` — ${job.statusReason}` : ""}`],
    ...(job.failureKind ? ([["Failure", job.failureKind.replace(/_/g, " ")]] as [string, ReactNode][]) : []),
    ["Priority", job.priority],
    ["Model", modelLabel(job, { long: true })],
    ["Work dir", <code>{job.workDir}</code>],
    ["Max turns", job.maxTurns ?? "—"],
    ["Stop mode", job.stopMode ? `${job.stopMode}${job.stopValue != null ? ` · ${job.stopValue}` : ""}` : "—"],
    ["Depends on", job.dependsOn.length ? job.dependsOn.map(jobLink) : "—"],
    ["Parent job", job.parentJobId ? jobLink(job.parentJobId) : "—"],
    ["Worktree", job.useWorktree ? "yes" : "no"],
    ["Interactive", job.interactive ? "yes" : "no"],
    ["Retry policy", job.attempt > 1 ? `${job.retryPolicy} · attempt ${job.attempt}` : job.retryPolicy],
    ["Completion checks", job.completionChecks.length ? job.completionChecks.join(", ") : "—"],
    ["Repeat every", job.repeatIntervalSec ? `${job.repeatIntervalSec}s` : "—"],
    ["Scheduled at", job.scheduledAt ? formatClock(job.scheduledAt) : "—"],
    ["Template", job.templateId ?? "—"],
    ["Project", job.projectId ?? "—"],
    ["Cost", formatCost(job.costUsd)],
    ["Created", formatClock(job.createdAt)],
    ["Started", formatClock(job.startedAt)],
    ["Finished", formatClock(job.finishedAt)],
  ];
  if (job.prUrl) {
    rows.push([
      "Pull request",
      <a href={job.prUrl} target="_blank" rel="noopener noreferrer">
        {job.prUrl}
      </a>,
    ]);
  }
  return (
    <div className="details">
      <dl className="detail-grid">
        {rows.map(([label, value]) => (
          <div key={label} className="detail-row">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(job.context ?? {}).length > 0 && (
        <section>
          <h4>Context</h4>
          <dl className="detail-grid">
            {Object.entries(job.context).map(([k, v]) => (
              <div key={k} className="detail-row">
                <dt>{k}</dt>
                <dd>
                  <code>{typeof v === "string" ? v : JSON.stringify(v)}</code>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <section>
        <h4>Description</h4>
        <pre className="pre-wrap description">{job.description}</pre>
      </section>
      {job.result && (
        <section>
          <h4>Result</h4>
          <Markdown text={job.result} />
        </section>
      )}
      {agents.length > 0 && (
        <section>
          <h4>Agent runs</h4>
          <table className="table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th>Model</th>
                <th>Turns</th>
                <th>Tokens in/out</th>
                <th>Cost</th>
                <th>Stop</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent, i) => (
                <tr key={agent.id} title={agent.id}>
                  <td>#{i + 1}</td>
                  <td>
                    {agent.status}
                    {agent.exitCode != null ? ` (${agent.exitCode})` : ""}
                  </td>
                  <td>{agent.model ?? agent.provider}</td>
                  <td>{agent.numTurns}</td>
                  <td>
                    {formatTokens(agent.inputTokens)} / {formatTokens(agent.outputTokens)}
                  </td>
                  <td>{formatCost(agent.costUsd)}</td>
                  <td>{agent.stopReason ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {history.data?.available && history.data.items.length > 0 && (
        <section>
          <h4>Status history</h4>
          <ul className="history">
            {history.data.items.map((entry, i) => (
              <li key={i}>
                <span className="muted">{formatClock(entry.ts)}</span> {entry.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
