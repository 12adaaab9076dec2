/** File locks held by agents, with a manual release. */
import { useLocks, useReleaseLock } from "../state/queries";
import { EmptyState, Modal, NotAvailable } from "../components/Modal";
import { errorText, useToast } from "../components/Toasts";
import { relativeTime } from "../state/format/format";
import { useLive } from "../state/live/LiveProvider";

export function LocksView({ onClose, onOpenJob }: { onClose: () => void; onOpenJob: (id: string) => void }) {
  const locks = useLocks();
  const releaseLock = useReleaseLock();
  const toast = useToast();
  const { state } = useLive();
  const release = async (id: string) => {
    try {
      await releaseLock.mutateAsync(id);
    } catch (e) {
      toast.error(errorText(e));
    }
  };
  return (
    <Modal title="File locks" onClose={onClose} wide testId="locks">
      {locks.isLoading ? (
        <div className="muted pad">Loading…</div>
      ) : locks.error ? (
        <div className="field-error">{locks.error.message}</div>
      ) : !locks.data?.available ? (
        <NotAvailable what="Locks" />
      ) : locks.data.items.length === 0 ? (
        <EmptyState title="No locks held">Agents lock files before editing them; held locks show here.</EmptyState>
      ) : (
        <table className="table" data-testid="locks-table">
          <thead>
            <tr>
              <th>File</th>
              <th>Held by</th>
              <th>Reason</th>
              <th>Acquired</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {locks.data.items.map((lock) => (
              <tr key={lock.id} data-testid={`lock-${lock.id}`}>
                <td>
                  <code>{lock.path}</code>
                </td>
                <td>
                  {lock.jobId ? (
                    <button type="button" className="link-button" onClick={() => onOpenJob(lock.jobId!)}>
                      {state.jobs.get(lock.jobId)?.title ?? lock.jobId}
                    </button>
                  ) : (
                    <code>{lock.agentId}</code>
                  )}
                </td>
                <td>{lock.reason ?? "—"}</td>
                <td>{relativeTime(lock.acquiredAt)}</td>
                <td>{lock.expiresAt ? relativeTime(lock.expiresAt) : "—"}</td>
                <td>
                  <button type="button" className="warn" data-testid={`lock-release-${lock.id}`} onClick={() => void release(lock.id)}>
                    Release
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}
