/** The terminal panel for one job: Output, Changes, Details (and Terminal for interactive jobs),
 * the actions, and any pending question from its agent. */
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useAgents, usePendingQuestions } from "../state/queries";
import type { Job } from "../api/types";
import { STATUS_LABEL } from "../state/format/colors";
import { elapsedMs, formatCost, formatDuration, modelLabel } from "../state/format/format";
import { markRead } from "../state/live/readState";
import { useNow } from "../state/page/useNow";
import { ChangesView } from "./ChangesView";
import { JobActions } from "./JobActions";
import { JobDetails } from "./JobDetails";
import { OutputView } from "./OutputView";
import { QuestionBox } from "./QuestionBox";

const TerminalView = lazy(() => import("./TerminalView"));

export type PanelTab = "output" | "changes" | "details" | "terminal";

interface Props {
  job: Job | undefined;
  jobId: string;
  targetSeq: number | null;
  targetAgentId: string | null;
  onClose: () => void;
  onOpenJob: (id: string) => void;
}

export function JobPanel({ job, jobId, targetSeq, targetAgentId, onClose, onOpenJob }: Props) {
  const [tab, setTab] = useState<PanelTab>("output");
  const [pickedAgent, setPickedAgent] = useState<string | null>(targetAgentId);
  const [terminalKey, setTerminalKey] = useState(0);
  const agents = useAgents(jobId);
  const questions = usePendingQuestions();
  const now = useNow(job?.status === "running");

  useEffect(() => {
    setPickedAgent(targetAgentId);
    if (targetSeq != null) setTab("output");
  }, [jobId, targetAgentId, targetSeq]);

  // Opening a finished job marks its output as read (card turns from green to normal).
  useEffect(() => {
    if (job) markRead(job);
  }, [job]);

  const agentList = useMemo(
    () => [...(agents.data ?? [])].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0)),
    [agents.data],
  );
  const agentId = pickedAgent ?? job?.currentAgentId ?? agentList[agentList.length - 1]?.id ?? null;
  const pending = (questions.data?.items ?? []).filter((q) => q.jobId === jobId && q.status === "pending");

  if (!job) {
    return (
      <aside className="panel" data-testid="panel">
        <div className="panel-head">
          <div className="panel-title">Job {jobId}</div>
          <button type="button" className="icon-button" aria-label="Close panel" data-testid="panel-close" onClick={onClose}>
            ✕
          </button>
        </div>
        <div className="muted pad">Loading job… (it may have been deleted)</div>
      </aside>
    );
  }

  const elapsed = elapsedMs(job, now);
  const tabs: { id: PanelTab; label: string }[] = [
    { id: "output", label: "Output" },
    { id: "changes", label: "Changes" },
    { id: "details", label: "Details" },
  ];
  if (job.interactive) tabs.push({ id: "terminal", label: "Terminal" });

  return (
    <aside className="panel" data-testid="panel" data-job-id={job.id}>
      <div className="panel-head">
        <div className="panel-title-block">
          <div className="panel-title" title={job.title}>
            {job.flagged && <span className="flag">⚑ </span>}
            {job.title}
          </div>
          <div className="panel-sub">
            <span className={`status-pill pill-${job.status}`} data-testid="panel-status">
              {STATUS_LABEL[job.status]}
            </span>
            <span>{modelLabel(job)}</span>
            {elapsed !== null && <span title="Elapsed">{formatDuration(elapsed)}</span>}
            <span>{formatCost(job.costUsd)}</span>
            {job.prUrl && (
              <a href={job.prUrl} target="_blank" rel="noopener noreferrer">
                PR ↗
              </a>
            )}
          </div>
          {job.statusMessage && <div className="panel-status-message">{job.statusMessage}</div>}
          {(job.status === "failed" || job.status === "cancelled") && job.statusReason && (
            <div className="panel-reason">{job.statusReason}</div>
          )}
        </div>
        <button type="button" className="icon-button" aria-label="Close panel" data-testid="panel-close" title="Close (Esc)" onClick={onClose}>
          ✕
        </button>
      </div>
      <JobActions
        job={job}
        onOpenJob={onOpenJob}
        onDeleted={onClose}
        onReconnect={() => {
          setTab("terminal");
          setTerminalKey((k) => k + 1);
        }}
      />
      {pending.map((question) => (
        <QuestionBox key={question.id} question={question} />
      ))}
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? "tab active" : "tab"}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="panel-body">
        {tab === "output" && (
          <OutputView agentId={agentId} agents={agentList} onAgent={setPickedAgent} jobStatus={job.status} targetSeq={targetSeq} />
        )}
        {tab === "changes" && <ChangesView agentId={agentId} />}
        {tab === "details" && <JobDetails job={job} agents={agentList} onOpenJob={onOpenJob} />}
        {tab === "terminal" && (
          <Suspense fallback={<div className="muted pad">Loading terminal…</div>}>
            <TerminalView key={terminalKey} agentId={agentId} />
          </Suspense>
        )}
      </div>
    </aside>
  );
}
