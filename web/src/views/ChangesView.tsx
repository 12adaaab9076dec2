/** The Changes tab: the agent's git diff. */
import { useDiff } from "../state/queries";
import { DiffView } from "../components/DiffView";
import { EmptyState } from "../components/Modal";

export function ChangesView({ agentId }: { agentId: string | null }) {
  const diff = useDiff(agentId, true);
  if (!agentId) return <EmptyState title="No changes yet">The diff appears once an agent has run on this job.</EmptyState>;
  return (
    <div className="changes-view">
      <div className="changes-bar">
        <button type="button" onClick={() => void diff.refetch()} disabled={diff.isFetching}>
          {diff.isFetching ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      {diff.isLoading ? (
        <div className="muted pad">Loading diff…</div>
      ) : diff.error ? (
        <div className="field-error pad">Could not load the diff: {diff.error.message}</div>
      ) : !diff.data?.trim() ? (
        <EmptyState title="No changes">The agent has not changed any files (or the work dir is not a git repository).</EmptyState>
      ) : (
        <DiffView text={diff.data} />
      )}
    </div>
  );
}
