/** A running agent's health warnings as one short card badge: the first warning's label, how
 * many more, and every message in the tooltip. */
import type { AgentWarning } from "../../api/types";

const LABEL: Record<string, string> = {
  stalled: "stalled",
  high_turns: "turns",
  long_running: "long run",
  budget: "budget",
  time: "time",
};

export interface HealthBadge {
  label: string;
  title: string;
  kinds: string;
}

export function healthBadge(warnings: readonly AgentWarning[] | null | undefined): HealthBadge | null {
  if (!warnings || warnings.length === 0) return null;
  const first = warnings[0];
  const more = warnings.length > 1 ? ` +${warnings.length - 1}` : "";
  return {
    label: `${LABEL[first.kind] ?? first.kind}${more}`,
    title: warnings.map((w) => `⚠ ${w.message}`).join("\n"),
    kinds: warnings.map((w) => w.kind).join(" "),
  };
}
