/** Small formatters for times, money and token counts. */

/** Milliseconds from an ISO string or a unix time in seconds (or ms); null if neither. */
export function parseTime(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return value > 1e12 ? value : value * 1000;
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Time the job has been running (or ran): started→finished, or started→now. */
export function elapsedMs(job: { startedAt?: string | null; finishedAt?: string | null }, now: number): number | null {
  const start = parseTime(job.startedAt);
  if (start === null) return null;
  const end = parseTime(job.finishedAt) ?? now;
  return Math.max(0, end - start);
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "$0.00";
  if (usd > 0 && usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatTokens(n: number | null | undefined): string {
  if (!n) return "0";
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

export function formatClock(value: unknown): string {
  const ms = parseTime(value);
  if (ms === null) return "—";
  const date = new Date(ms);
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : date.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function relativeTime(value: unknown, now = Date.now()): string {
  const ms = parseTime(value);
  if (ms === null) return "—";
  const diff = now - ms;
  if (diff < 0) return `in ${formatDuration(-diff)}`;
  if (diff < 5_000) return "just now";
  return `${formatDuration(diff)} ago`;
}

/** A job's model as cards and details show it: the one picked for it says so; "auto…" while
 * it is being picked; "auto" when the CLI's default model runs it. */
export function modelLabel(
  job: { model?: string | null; modelClassification?: string | null },
  { long = false }: { long?: boolean } = {},
): string {
  const how = job.modelClassification;
  if (how === "pending") return "auto…";
  if (!job.model) return long && how === "unavailable" ? "auto (CLI default; no classification)" : "auto";
  return long && how ? `${job.model} (auto: ${how} task)` : job.model;
}
