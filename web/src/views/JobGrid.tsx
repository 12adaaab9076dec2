/** The agent cards, virtualised (only visible rows are in the DOM) and paged from the API as
 * the user scrolls past what is loaded. */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Agent, Job } from "../api/types";
import type { CardColor } from "../state/format/colors";
import { JobCard } from "../components/JobCard";

interface JobGridProps {
  jobs: Job[];
  colorOf: (job: Job) => CardColor;
  agents: Map<string, Agent>;
  selectedId: string | null;
  onOpen: (job: Job) => void;
  layout: "grid" | "list";
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  loadMore: (force?: boolean) => void;
  empty: ReactNode;
}

const CARD_MIN_WIDTH = 290;
const GAP = 10;

export function JobGrid(props: JobGridProps) {
  const { jobs, colorOf, agents, selectedId, onOpen, layout, hasMore, loading, error, loadMore, empty } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const cols = layout === "list" ? 1 : Math.max(1, Math.floor((width - GAP) / (CARD_MIN_WIDTH + GAP)));
  const rowHeight = layout === "list" ? 44 : 88;
  const rows = Math.ceil(jobs.length / cols);

  const virtualizer = useVirtualizer({
    count: rows + (hasMore || loading || error ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight + GAP,
    overscan: 6,
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : 0;
  useEffect(() => {
    if (hasMore && !loading && !error && lastIndex >= rows - 3) loadMore();
  }, [lastIndex, rows, hasMore, loading, error, loadMore]);

  // Keep the keyboard-selected card in view (only when the selection moves, not on updates).
  const jobsRef = useRef(jobs);
  jobsRef.current = jobs;
  useEffect(() => {
    if (!selectedId) return;
    const index = jobsRef.current.findIndex((j) => j.id === selectedId);
    if (index >= 0) virtualizer.scrollToIndex(Math.floor(index / cols), { align: "auto" });
  }, [selectedId, cols, virtualizer]);

  if (jobs.length === 0 && !hasMore && !loading) {
    return (
      <div className="grid-scroll" ref={scrollRef}>
        {error ? <div className="field-error">{error}</div> : empty}
      </div>
    );
  }

  return (
    <div className="grid-scroll" ref={scrollRef} data-testid="job-grid">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {items.map((row) => {
          const isLoader = row.index >= rows;
          return (
            <div
              key={row.key}
              className="grid-row"
              style={{
                position: "absolute",
                top: 0,
                left: 0,
                right: 0,
                transform: `translateY(${row.start}px)`,
                height: rowHeight,
                gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`,
              }}
            >
              {isLoader ? (
                <div className="grid-loader">
                  {error ? (
                    <>
                      <span className="field-error">Could not load more jobs: {error}</span>{" "}
                      <button type="button" onClick={() => loadMore(true)}>
                        Retry
                      </button>
                    </>
                  ) : (
                    "Loading more jobs…"
                  )}
                </div>
              ) : (
                jobs.slice(row.index * cols, row.index * cols + cols).map((job) => (
                  <JobCard
                    key={job.id}
                    job={job}
                    color={colorOf(job)}
                    agent={job.currentAgentId ? agents.get(job.currentAgentId) : undefined}
                    selected={job.id === selectedId}
                    onOpen={onOpen}
                    compact={layout === "list"}
                  />
                ))
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
