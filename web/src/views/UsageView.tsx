/** Usage: cost and tokens per day and per model, Claude and Codex apart. */
import { useMemo, useState } from "react";
import { useUsage } from "../state/queries";
import type { ProviderTotal, UsageRow } from "../api/types";
import { BarChart, RankedBars, type BarDatum, type RankedItem } from "../components/BarChart";
import { EmptyState, Modal } from "../components/Modal";
import { formatCost, formatTokens } from "../state/format/format";

const SERIES = [
  { name: "claude", color: "var(--c-orange)" },
  { name: "codex", color: "var(--c-blue)" },
];

export function dailyCost(rows: UsageRow[], since: string, days: number): BarDatum[] {
  const byDay = new Map<string, Record<string, number>>();
  for (const row of rows) {
    if (!row.day) continue;
    const values = byDay.get(row.day) ?? {};
    values[row.provider] = (values[row.provider] ?? 0) + row.costUsd;
    byDay.set(row.day, values);
  }
  // Every day in the window, so gaps show as gaps.
  const out: BarDatum[] = [];
  const start = new Date(`${since.slice(0, 10)}T00:00:00Z`);
  const count = Number.isNaN(start.getTime()) ? 0 : Math.min(days + 1, 121);
  for (let i = 0; i < count; i++) {
    const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    if (day > new Date().toISOString().slice(0, 10)) break;
    out.push({ label: day.slice(5), values: byDay.get(day) ?? {} });
  }
  if (out.length === 0) {
    for (const [day, values] of [...byDay.entries()].sort()) out.push({ label: day.slice(5), values });
  }
  return out;
}

export function UsageView({ onClose }: { onClose: () => void }) {
  const [days, setDays] = useState(30);
  const usage = useUsage(days);
  const data = usage.data;
  const daily = useMemo(() => (data ? dailyCost(data.byDay, data.since, days) : []), [data, days]);
  const models = useMemo(() => [...(data?.byModel ?? [])].sort((a, b) => b.costUsd - a.costUsd), [data]);
  const modelChart = useMemo<RankedItem[]>(
    () =>
      models.slice(0, 15).map((row) => ({
        label: `${row.model ?? "(default)"}`,
        value: row.costUsd,
        color: row.provider === "codex" ? "var(--c-blue)" : "var(--c-orange)",
        detail: `${row.provider} · ${row.runs} runs`,
      })),
    [models],
  );

  return (
    <Modal title="Usage" onClose={onClose} wide testId="usage">
      <div className="usage-controls">
        Last
        {[7, 30, 90].map((d) => (
          <button key={d} type="button" className={d === days ? "chip active" : "chip"} onClick={() => setDays(d)}>
            {d} days
          </button>
        ))}
      </div>
      {usage.isLoading ? (
        <div className="muted pad">Loading…</div>
      ) : usage.error ? (
        <div className="field-error">{usage.error.message}</div>
      ) : !data ? null : (
        <>
          <div className="usage-totals">
            <TotalCard name="Claude" provider="claude" total={data.totals.claude} />
            <TotalCard name="Codex" provider="codex" total={data.totals.codex} />
          </div>
          {models.length === 0 ? (
            <EmptyState title="No usage in this window">Cost and tokens appear here once agents have run.</EmptyState>
          ) : (
            <>
              <h3>Cost per day</h3>
              <BarChart data={daily} series={SERIES} format={(v) => formatCost(v)} testId="usage-daily-chart" />
              <h3>Cost per model</h3>
              <RankedBars items={modelChart} format={(v) => formatCost(v)} testId="usage-model-chart" />
              <table className="table usage-table" data-testid="usage-by-model">
                <thead>
                  <tr>
                    <th>Provider</th>
                    <th>Model</th>
                    <th>Runs</th>
                    <th>Input</th>
                    <th>Output</th>
                    <th>Cache read</th>
                    <th>Cache write</th>
                    <th>Cost</th>
                    <th title="Cost recomputed from the price tables">Priced</th>
                  </tr>
                </thead>
                <tbody>
                  {models.map((row) => (
                    <tr key={`${row.provider}-${row.model}`}>
                      <td>{row.provider}</td>
                      <td>{row.model ?? "—"}</td>
                      <td>{row.runs}</td>
                      <td>{formatTokens(row.inputTokens)}</td>
                      <td>{formatTokens(row.outputTokens)}</td>
                      <td>{formatTokens(row.cacheReadTokens)}</td>
                      <td>{formatTokens(row.cacheWriteTokens)}</td>
                      <td>{formatCost(row.costUsd)}</td>
                      <td>{row.pricedUsd == null ? "—" : formatCost(row.pricedUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </Modal>
  );
}

function TotalCard({ name, provider, total }: { name: string; provider: string; total?: ProviderTotal }) {
  return (
    <div className={`total-card total-${provider}`} data-testid={`usage-total-${provider}`}>
      <div className="total-name">{name}</div>
      <div className="total-cost" data-testid={`usage-total-${provider}-cost`}>
        {formatCost(total?.costUsd ?? 0)}
      </div>
      <div className="muted small">
        {total?.runs ?? 0} runs · {formatTokens(total?.inputTokens ?? 0)} in · {formatTokens(total?.outputTokens ?? 0)} out
      </div>
    </div>
  );
}
