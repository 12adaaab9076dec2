/** The visible job list for the current view: filtered and sorted from the live store, and paged
 * from the API beyond what the snapshot carried. */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { listJobs, type JobFilter } from "../../api/endpoints";
import type { Job, JobStatus } from "../../api/types";
import { useLive } from "./LiveProvider";

export interface ViewFilter {
  /** null = all projects */
  projectId: string | null;
  archived: boolean;
  statuses: JobStatus[];
  flaggedOnly: boolean;
  text: string;
}

export const defaultViewFilter: ViewFilter = { projectId: null, archived: false, statuses: [], flaggedOnly: false, text: "" };

export function matchesFilter(job: Job, filter: ViewFilter): boolean {
  if (job.archived !== filter.archived) return false;
  if (filter.projectId && job.projectId !== filter.projectId) return false;
  if (filter.statuses.length && !filter.statuses.includes(job.status)) return false;
  if (filter.flaggedOnly && !job.flagged) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (!job.title.toLowerCase().includes(needle) && !job.id.toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** Newest first, as the API pages them. */
export function compareJobs(a: Job, b: Job): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function selectJobs(jobs: Iterable<Job>, filter: ViewFilter): Job[] {
  const out: Job[] = [];
  for (const job of jobs) if (matchesFilter(job, filter)) out.push(job);
  return out.sort(compareJobs);
}

function isDefaultServerFilter(filter: ViewFilter): boolean {
  return !filter.projectId && !filter.archived && filter.statuses.length === 0 && !filter.flaggedOnly;
}

function serverFilter(filter: ViewFilter): JobFilter {
  return {
    projectId: filter.projectId,
    archived: filter.archived ? "true" : "false",
    status: filter.statuses,
    flagged: filter.flaggedOnly || undefined,
  };
}

const PAGE = 200;

interface PagingState {
  key: string;
  nextOffset: number;
  total: number | null;
  loading: boolean;
  error: string | null;
}

export interface JobList {
  jobs: Job[];
  /** Server-side size of this view (null until known). */
  total: number | null;
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  /** Load the next page; `force` retries after an error. */
  loadMore: (force?: boolean) => void;
}

export function useJobList(filter: ViewFilter): JobList {
  const { state, dispatch } = useLive();
  const key = `${state.epoch}|${filter.projectId ?? ""}|${filter.archived}|${filter.statuses.join(",")}|${filter.flaggedOnly}`;
  const seeded = isDefaultServerFilter(filter);
  const [paging, setPaging] = useState<PagingState>({ key: "", nextOffset: 0, total: null, loading: false, error: null });
  const inflight = useRef<string | null>(null);

  const current: PagingState =
    paging.key === key
      ? paging
      : { key, nextOffset: seeded ? state.snapshotCount : 0, total: seeded ? state.jobsTotal : null, loading: false, error: null };

  const fetchPage = useCallback(
    (from: PagingState) => {
      if (!state.ready || inflight.current === `${from.key}@${from.nextOffset}`) return;
      const token = `${from.key}@${from.nextOffset}`;
      inflight.current = token;
      setPaging({ ...from, loading: true, error: null });
      listJobs(serverFilter(filter), PAGE, from.nextOffset).then(
        (page) => {
          if (inflight.current !== token) return;
          inflight.current = null;
          dispatch({ type: "jobs.merge", jobs: page.jobs });
          setPaging({
            key: from.key,
            nextOffset: from.nextOffset + page.jobs.length,
            total: page.jobs.length < PAGE ? from.nextOffset + page.jobs.length : page.total,
            loading: false,
            error: null,
          });
        },
        (error: unknown) => {
          if (inflight.current !== token) return;
          inflight.current = null;
          setPaging({ ...from, loading: false, error: error instanceof Error ? error.message : String(error) });
        },
      );
    },
    [state.ready, key, dispatch],
  );

  // A non-default view (project, archive, status filter) loads its first page from the API.
  useEffect(() => {
    if (!state.ready) return;
    if (paging.key !== key && !seeded) fetchPage(current);
  }, [key, state.ready]);

  const jobs = useMemo(
    () => selectJobs(state.jobs.values(), filter),
    [state.version, filter.projectId, filter.archived, filter.statuses.join(","), filter.flaggedOnly, filter.text],
  );

  const total = seeded ? state.jobsTotal : current.total;
  const hasMore = total === null ? current.loading : current.nextOffset < total;

  const loadMore = useCallback(
    (force = false) => {
      if (current.loading || !hasMore || (current.error && !force)) return;
      fetchPage(current);
    },
    [current, hasMore, fetchPage],
  );

  return { jobs, total, hasMore, loading: current.loading, error: current.error, loadMore };
}
