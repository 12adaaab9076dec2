/** Settings → Limits: daily spend caps (global and per project) that stop dispatch when
 * reached (0 means no cap), and the resource thresholds that hold the queue. */
import { useEffect, useState } from "react";
import { useProjects, useSaveSettings, useSettings } from "../state/queries";
import { errorText, useToast } from "../components/Toasts";

function parseAmount(text: string): number | null {
  const value = Number(text.trim() || "0");
  return Number.isFinite(value) && value >= 0 && value <= 1_000_000 ? value : null;
}

export function LimitsSection() {
  const settings = useSettings();
  const projects = useProjects();
  const save = useSaveSettings();
  const toast = useToast();
  const [daily, setDaily] = useState("0");
  const [perProject, setPerProject] = useState<Record<string, string>>({});
  const [memory, setMemory] = useState("275");
  const [disk, setDisk] = useState("1024");
  const [load, setLoad] = useState("10");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const data = settings.data;
    if (!data) return;
    setDaily(String(data.dailySpendCapUsd ?? 0));
    setMemory(String(data.agentMemoryMb ?? 275));
    setDisk(String(data.minFreeDiskMb ?? 1024));
    setLoad(String(data.maxLoadPerCpu ?? 10));
    setPerProject(Object.fromEntries(Object.entries(data.projectDailySpendCapsUsd ?? {}).map(([id, cap]) => [id, String(cap)])));
  }, [settings.data]);

  const submit = () => {
    const cap = parseAmount(daily);
    const caps: Record<string, number> = {};
    for (const [id, text] of Object.entries(perProject)) {
      const value = parseAmount(text);
      if (value === null) return setError("Caps are amounts in USD from 0 to 1,000,000");
      if (value > 0) caps[id] = value;
    }
    if (cap === null) return setError("Caps are amounts in USD from 0 to 1,000,000");
    const [memoryMb, diskMb, loadPerCpu] = [Number(memory), Number(disk), Number(load)];
    if (![memoryMb, diskMb].every((n) => Number.isInteger(n) && n >= 0) || !(loadPerCpu >= 0 && loadPerCpu <= 1000)) {
      return setError("Thresholds are whole MB (0 or more) and a load from 0 to 1000");
    }
    setError(null);
    save.mutate(
      { dailySpendCapUsd: cap, projectDailySpendCapsUsd: caps, agentMemoryMb: memoryMb, minFreeDiskMb: diskMb, maxLoadPerCpu: loadPerCpu },
      { onSuccess: () => toast.info("Limits saved"), onError: (e) => setError(errorText(e)) },
    );
  };

  return (
    <form
      className="field"
      data-testid="settings-limits"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <span className="field-label">Daily spend caps (USD, 0 = none)</span>
      <label className="inline">
        <span className="limit-name">All jobs</span>
        <input data-testid="settings-daily-cap" type="number" min={0} step="0.01" value={daily} onChange={(e) => setDaily(e.target.value)} />
      </label>
      {(projects.data ?? []).map((project) => (
        <label className="inline" key={project.id}>
          <span className="limit-name">{project.name}</span>
          <input
            data-testid={`settings-project-cap-${project.id}`}
            type="number"
            min={0}
            step="0.01"
            value={perProject[project.id] ?? "0"}
            onChange={(e) => setPerProject((caps) => ({ ...caps, [project.id]: e.target.value }))}
          />
        </label>
      ))}
      <span className="field-label">Hold the queue when one more agent would not fit</span>
      <label className="inline">
        <span className="limit-name">Memory per agent (MB)</span>
        <input data-testid="settings-agent-memory" type="number" min={0} value={memory} onChange={(e) => setMemory(e.target.value)} />
      </label>
      <label className="inline">
        <span className="limit-name">Free disk floor (MB)</span>
        <input data-testid="settings-min-disk" type="number" min={0} value={disk} onChange={(e) => setDisk(e.target.value)} />
      </label>
      <label className="inline">
        <span className="limit-name">Max load per CPU (0 = none)</span>
        <input data-testid="settings-max-load" type="number" min={0} step="0.1" value={load} onChange={(e) => setLoad(e.target.value)} />
      </label>
      <div className="inline">
        <button type="submit" data-testid="settings-limits-save" disabled={save.isPending}>
          Save limits
        </button>
      </div>
      {error ? (
        <div className="field-error" data-testid="error-limits">
          {error}
        </div>
      ) : (
        <div className="field-hint">When today's spend reaches a cap, no more of those jobs start today; running agents finish. While memory, disk or load is short, queued jobs wait and start by themselves once it recovers.</div>
      )}
    </form>
  );
}
