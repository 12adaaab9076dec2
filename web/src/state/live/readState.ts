/** Which finished jobs the user has looked at, kept in localStorage. A job is "read" when the
 * user opened it after its latest finish: a job that finishes again (Continue) is unread again. */
import type { Job } from "../../api/types";

const KEY = "podium.read";
const MAX_ENTRIES = 5000;

type ReadMap = Record<string, string>;

let cache: ReadMap | null = null;
const listeners = new Set<() => void>();

function load(): ReadMap {
  if (cache) return cache;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    cache = parsed && typeof parsed === "object" ? (parsed as ReadMap) : {};
  } catch {
    cache = {};
  }
  return cache;
}

function save(map: ReadMap): void {
  const ids = Object.keys(map);
  if (ids.length > MAX_ENTRIES) {
    for (const id of ids.slice(0, ids.length - MAX_ENTRIES)) delete map[id];
  }
  cache = { ...map };
  try {
    localStorage.setItem(KEY, JSON.stringify(cache));
  } catch {
    /* storage full or unavailable */
  }
  for (const listener of listeners) listener();
}

export function isRead(job: Pick<Job, "id" | "finishedAt">): boolean {
  const seen = load()[job.id];
  if (!seen) return false;
  return !job.finishedAt || seen >= job.finishedAt;
}

export function markRead(job: Pick<Job, "id" | "finishedAt" | "status">): void {
  if (job.status !== "done" || !job.finishedAt) return;
  const map = { ...load() };
  if (map[job.id] && map[job.id] >= job.finishedAt) return;
  delete map[job.id];
  map[job.id] = job.finishedAt;
  save(map);
}

export function subscribeRead(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A snapshot token for useSyncExternalStore: changes whenever the read map does. */
export function readVersion(): ReadMap {
  return load();
}

export function resetReadCacheForTests(): void {
  cache = null;
}
