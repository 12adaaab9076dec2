/** Settings → Backups: the database's backups, newest first, and "Back up now". */
import { useBackups, useCreateBackup } from "../state/queries";
import { errorText, useToast } from "../components/Toasts";
import { relativeTime } from "../state/format/format";

function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function BackupsSection() {
  const backups = useBackups();
  const create = useCreateBackup();
  const toast = useToast();
  const items = backups.data ?? [];
  return (
    <div className="field" data-testid="settings-backups">
      <span className="field-label">Database backups</span>
      <div className="inline">
        <button
          type="button"
          data-testid="backup-now"
          disabled={create.isPending}
          onClick={() =>
            create.mutate(undefined, {
              onSuccess: (info) => toast.info(`Backup ${info.name} written`),
              onError: (e) => toast.error(errorText(e)),
            })
          }
        >
          {create.isPending ? "Backing up…" : "Back up now"}
        </button>
      </div>
      {items.length === 0 ? (
        <div className="field-hint">{backups.isLoading ? "Loading…" : "No backups yet."}</div>
      ) : (
        <ul className="backup-list" data-testid="backup-list">
          {items.map((b) => (
            <li key={b.name} data-testid="backup-item" title={b.path}>
              <span>{b.name}</span> <span className="muted">{formatBytes(b.sizeBytes)} · {relativeTime(b.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="field-hint">
        Taken every PODIUM_BACKUP_INTERVAL_SEC (default 6 h), newest PODIUM_BACKUP_KEEP kept. Restore with the server
        stopped: <code>podium restore FILE</code>.
      </div>
    </div>
  );
}
