/** Why the queue is held (a provider's usage limit, a spend cap, low memory/disk, a busy
 * machine), from `/api/queue`; nothing when nothing is held. */
import { useQueue } from "../state/queries";
import type { QueueHold } from "../api/types";
import { formatClock } from "../state/format/format";

export function holdText(hold: Pick<QueueHold, "reason" | "until">): string {
  return hold.until ? `${hold.reason} · held until ${formatClock(hold.until)}` : hold.reason;
}

export function QueueBanner() {
  const queue = useQueue();
  const holds = queue.data?.holds ?? [];
  if (holds.length === 0) return null;
  return (
    <div className="queue-banner" role="status" data-testid="queue-held">
      <strong>Queue held{queue.data?.heldJobs ? ` (${queue.data.heldJobs} job${queue.data.heldJobs === 1 ? "" : "s"})` : ""}:</strong>
      <ul>
        {holds.map((hold) => (
          <li key={`${hold.kind}:${hold.reason}`} data-testid="queue-hold" data-kind={hold.kind}>
            {holdText(hold)}
          </li>
        ))}
      </ul>
    </div>
  );
}
