/** Above the cards: counts per status (click to filter), quick text filter, layout, capacity. */
import type { JobStatus } from "../api/types";
import { STATUS_LABEL } from "../state/format/colors";

interface Props {
  counts: Partial<Record<JobStatus, number>>;
  statuses: JobStatus[];
  onStatuses: (statuses: JobStatus[]) => void;
  text: string;
  onText: (text: string) => void;
  flaggedOnly: boolean;
  onFlaggedOnly: (value: boolean) => void;
  layout: "grid" | "list";
  onLayout: (layout: "grid" | "list") => void;
  shown: number;
  total: number | null;
  liveAgents: number;
  maxAgents: number | null;
  archived: boolean;
}

const ORDER: JobStatus[] = ["running", "waiting_user", "queued", "scheduled", "waiting", "done", "failed", "cancelled"];

export function Toolbar(props: Props) {
  const { counts, statuses, onStatuses, text, onText, flaggedOnly, onFlaggedOnly, layout, onLayout, shown, total, liveAgents, maxAgents, archived } =
    props;
  const toggle = (status: JobStatus) =>
    onStatuses(statuses.includes(status) ? statuses.filter((s) => s !== status) : [...statuses, status]);
  return (
    <div className="toolbar">
      <div className="status-chips">
        {archived && <span className="chip archived-chip">Archive</span>}
        {ORDER.map((status) => (
          <button
            key={status}
            type="button"
            className={`chip status-chip status-${status}${statuses.includes(status) ? " active" : ""}`}
            data-testid={`status-filter-${status}`}
            onClick={() => toggle(status)}
            title={`Show only ${STATUS_LABEL[status]} jobs`}
          >
            {STATUS_LABEL[status]} <b>{counts[status] ?? 0}</b>
          </button>
        ))}
        <button
          type="button"
          className={`chip${flaggedOnly ? " active" : ""}`}
          data-testid="flagged-filter"
          onClick={() => onFlaggedOnly(!flaggedOnly)}
          title="Show only flagged jobs"
        >
          ⚑ flagged
        </button>
        {(statuses.length > 0 || flaggedOnly) && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              onStatuses([]);
              onFlaggedOnly(false);
            }}
          >
            clear
          </button>
        )}
      </div>
      <div className="toolbar-right">
        <input className="quick-filter" data-testid="quick-filter" placeholder="Filter by title…" value={text} onChange={(e) => onText(e.target.value)} />
        <span className="muted small" data-testid="job-count">
          {shown.toLocaleString()}
          {total !== null && total > shown ? ` of ${total.toLocaleString()}` : ""} jobs
        </span>
        <span className="muted small" title="Agents running now / max concurrent">
          ▶ {liveAgents}
          {maxAgents ? `/${maxAgents}` : ""}
        </span>
        <div className="segmented" role="group" aria-label="Layout">
          <button type="button" className={layout === "grid" ? "active" : ""} onClick={() => onLayout("grid")} title="Cards">
            ▦
          </button>
          <button type="button" className={layout === "list" ? "active" : ""} onClick={() => onLayout("list")} title="List">
            ☰
          </button>
        </div>
      </div>
    </div>
  );
}
