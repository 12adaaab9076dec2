/** Small SVG charts: vertical bars stacked by series (scales to its container), and a
 * horizontal bar list for ranked items. */
import { useMemo } from "react";

export interface BarSeries {
  name: string;
  color: string;
}

export interface BarDatum {
  label: string;
  values: Record<string, number>;
}

interface BarChartProps {
  data: BarDatum[];
  series: BarSeries[];
  height?: number;
  format?: (value: number) => string;
  testId?: string;
}

const WIDTH = 1000;

export function BarChart({ data, series, height = 180, format = (v) => v.toFixed(2), testId }: BarChartProps) {
  const totals = useMemo(() => data.map((d) => series.reduce((sum, s) => sum + (d.values[s.name] ?? 0), 0)), [data, series]);
  const max = Math.max(0, ...totals);
  const left = 64;
  const bottom = 24;
  const plot = height - bottom - 8;
  const slot = data.length ? (WIDTH - left) / data.length : 0;
  const barWidth = Math.max(2, Math.min(36, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(data.length / Math.floor((WIDTH - left) / 52)));
  const scale = (v: number) => (max > 0 ? (v / max) * plot : 0);
  return (
    <div className="chart-wrap">
      <svg className="bar-chart" viewBox={`0 0 ${WIDTH} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet" role="img" data-testid={testId}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={left} x2={WIDTH} y1={8 + plot - f * plot} y2={8 + plot - f * plot} className="chart-grid" />
            <text x={left - 6} y={12 + plot - f * plot} className="chart-axis" textAnchor="end">
              {format(max * f)}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          let y = 8 + plot;
          const x = left + i * slot + (slot - barWidth) / 2;
          return (
            <g key={`${d.label}-${i}`} className="chart-bar">
              <title>{`${d.label}: ${series.map((s) => `${s.name} ${format(d.values[s.name] ?? 0)}`).join(", ")}`}</title>
              <rect x={left + i * slot} y={8} width={slot} height={plot} className="chart-hit" />
              {series.map((s) => {
                const h = scale(d.values[s.name] ?? 0);
                y -= h;
                return h > 0 ? <rect key={s.name} x={x} y={y} width={barWidth} height={h} fill={s.color} rx={2} /> : null;
              })}
              {totals[i] === 0 && <rect x={x} y={8 + plot - 1} width={barWidth} height={1} className="chart-zero" />}
              {i % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={height - bottom + 16} className="chart-axis" textAnchor="middle">
                  {d.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <div className="chart-legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ background: s.color }} /> {s.name}
          </span>
        ))}
      </div>
    </div>
  );
}

export interface RankedItem {
  label: string;
  value: number;
  color: string;
  detail?: string;
}

/** Horizontal bars, one per item, longest = largest value. */
export function RankedBars({ items, format, testId }: { items: RankedItem[]; format: (v: number) => string; testId?: string }) {
  const max = Math.max(0, ...items.map((i) => i.value));
  return (
    <div className="ranked" data-testid={testId}>
      {items.map((item) => (
        <div key={item.label} className="ranked-row" title={item.detail}>
          <span className="ranked-label">{item.label}</span>
          <span className="ranked-track">
            <span className="ranked-bar" style={{ width: `${max > 0 ? Math.max(0.5, (item.value / max) * 100) : 0}%`, background: item.color }} />
          </span>
          <span className="ranked-value">{format(item.value)}</span>
        </div>
      ))}
    </div>
  );
}
