/** A Gantt chart of jobs over time: one bar per job from start to finish (or now). */
import { useMemo } from "react";
import type { Job } from "../api/types";
import { cardColor } from "../state/format/colors";
import { formatClock, formatDuration, parseTime } from "../state/format/format";
import { EmptyState, Modal } from "../components/Modal";
import { useNow } from "../state/page/useNow";

interface Props {
  jobs: Job[];
  onClose: () => void;
  onOpenJob: (id: string) => void;
}

const ROW = 22;
const LABEL = 220;
const MAX_ROWS = 300;

export function TimelineView({ jobs, onClose, onOpenJob }: Props) {
  const now = useNow(true);
  const rows = useMemo(
    () =>
      jobs
        .filter((j) => j.startedAt)
        .sort((a, b) => (parseTime(a.startedAt) ?? 0) - (parseTime(b.startedAt) ?? 0))
        .slice(-MAX_ROWS),
    [jobs],
  );
  const start = rows.length ? Math.min(...rows.map((j) => parseTime(j.startedAt) ?? now)) : now;
  const end = rows.length ? Math.max(now, ...rows.map((j) => parseTime(j.finishedAt) ?? now)) : now;
  const span = Math.max(1000, end - start);
  const width = 1100;
  const plot = width - LABEL - 60;
  const x = (t: number) => LABEL + ((t - start) / span) * plot;
  const ticks = Array.from({ length: 6 }, (_, i) => start + (span * i) / 5);
  return (
    <Modal title="Timeline" onClose={onClose} wide testId="timeline">
      {rows.length === 0 ? (
        <EmptyState title="Nothing has run yet">Bars appear here as jobs start and finish.</EmptyState>
      ) : (
        <div className="timeline-scroll">
          <svg width={width} height={rows.length * ROW + 40} className="timeline-svg" data-testid="timeline-svg">
            {ticks.map((t) => (
              <g key={t}>
                <line x1={x(t)} x2={x(t)} y1={20} y2={rows.length * ROW + 24} className="chart-grid" />
                <text x={x(t)} y={14} className="chart-axis" textAnchor="middle">
                  {formatClock(t)}
                </text>
              </g>
            ))}
            {rows.map((job, i) => {
              const s = parseTime(job.startedAt) ?? now;
              const e = parseTime(job.finishedAt) ?? now;
              const y = 24 + i * ROW;
              const color = cardColor(job, { read: true });
              return (
                <g key={job.id} className="timeline-row" onClick={() => onOpenJob(job.id)} data-testid={`timeline-bar-${job.id}`}>
                  <title>{`${job.title}\n${job.status} · ${formatDuration(e - s)}\n${formatClock(s)} → ${job.finishedAt ? formatClock(e) : "now"}`}</title>
                  <text x={LABEL - 8} y={y + 14} textAnchor="end" className="timeline-label">
                    {job.title.length > 30 ? `${job.title.slice(0, 29)}…` : job.title}
                  </text>
                  <rect x={x(s)} y={y + 3} width={Math.max(3, x(e) - x(s))} height={ROW - 6} rx={3} className={`bar bar-${color} bar-${job.status}`} />
                </g>
              );
            })}
          </svg>
        </div>
      )}
    </Modal>
  );
}
