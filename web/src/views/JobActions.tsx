/** Continue, Retry, Requeue, Cancel, Flag, Archive, Delete, Reconnect for one job. */
import { useState } from "react";
import * as ep from "../api/endpoints";
import type { Job } from "../api/types";
import { Modal } from "../components/Modal";
import { errorText, useToast } from "../components/Toasts";
import { isTerminal } from "../state/status";
import { useLive } from "../state/live/LiveProvider";
import { serverMessage } from "../state/socket/messages";

interface Props {
  job: Job;
  onOpenJob: (id: string) => void;
  onDeleted: () => void;
  onReconnect: () => void;
}

export function JobActions({ job, onOpenJob, onDeleted, onReconnect }: Props) {
  const { dispatch } = useLive();
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const [continuing, setContinuing] = useState(false);
  const [message, setMessage] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const finished = isTerminal(job.status);

  const run = async (name: string, action: () => Promise<Job | unknown>, done?: (result: unknown) => void) => {
    setBusy(name);
    try {
      const result = await action();
      if (result && typeof result === "object" && "id" in result && "status" in result) {
        dispatch({ type: "jobs.merge", jobs: [result as Job], overwrite: true });
      }
      done?.(result);
    } catch (error) {
      toast.error(`${name} failed: ${errorText(error)}`);
    } finally {
      setBusy(null);
    }
  };

  const sendContinue = () =>
    run("Continue", () => ep.continueJob(job.id, message.trim()), () => {
      setMessage("");
      setContinuing(false);
      toast.info("Follow-up sent");
    });

  return (
    <div className="job-actions">
      <div className="action-row">
        <button
          type="button"
          data-testid="action-continue"
          disabled={!finished || !!busy}
          title={finished ? "Send a follow-up message to the same session" : "Available once the agent has finished"}
          onClick={() => setContinuing((v) => !v)}
        >
          Continue
        </button>
        <button
          type="button"
          data-testid="action-retry"
          disabled={!finished || !!busy}
          title="Create a fresh job with the same description"
          onClick={() =>
            run("Retry", () => ep.jobAction(job.id, "retry"), (created) => {
              const newJob = created as Job;
              toast.info(`Retried as ${newJob.title}`);
              onOpenJob(newJob.id);
            })
          }
        >
          Retry
        </button>
        <button
          type="button"
          data-testid="action-requeue"
          disabled={job.status === "queued" || !!busy}
          title="Cancel the current run and put the job back in the queue"
          onClick={() => run("Requeue", () => ep.jobAction(job.id, "requeue"), () => toast.info("Requeued"))}
        >
          Requeue
        </button>
        <button
          type="button"
          data-testid="action-cancel"
          className="warn"
          disabled={finished || !!busy}
          onClick={() => run("Cancel", () => ep.jobAction(job.id, "cancel"), () => toast.info("Cancelled"))}
        >
          Cancel
        </button>
        <span className="action-sep" />
        <button
          type="button"
          data-testid="action-flag"
          aria-pressed={job.flagged}
          className={job.flagged ? "toggled" : ""}
          disabled={!!busy}
          onClick={() => run("Flag", () => ep.patchJob(job.id, { flagged: !job.flagged }))}
        >
          {job.flagged ? "⚑ Unflag" : "⚐ Flag"}
        </button>
        <button
          type="button"
          data-testid="action-archive"
          aria-pressed={job.archived}
          disabled={!!busy}
          onClick={() =>
            run("Archive", () => ep.patchJob(job.id, { archived: !job.archived }), () =>
              toast.info(job.archived ? "Restored from the archive" : "Archived"),
            )
          }
        >
          {job.archived ? "Unarchive" : "Archive"}
        </button>
        <button
          type="button"
          data-testid="action-reconnect"
          disabled={!job.interactive || !!busy}
          title={job.interactive ? "Re-attach to the agent's terminal session" : "Only for interactive jobs"}
          onClick={onReconnect}
        >
          Reconnect
        </button>
        <button type="button" data-testid="action-delete" className="danger" disabled={!!busy} onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
      </div>
      {continuing && (
        <form
          className="continue-box"
          onSubmit={(e) => {
            e.preventDefault();
            if (message.trim()) void sendContinue();
          }}
        >
          <textarea
            data-testid="continue-message"
            autoFocus
            rows={3}
            placeholder="Follow-up message for the agent (keeps the conversation)…"
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey) && message.trim()) {
                e.preventDefault();
                void sendContinue();
              }
            }}
          />
          <div className="form-actions">
            <button type="button" onClick={() => setContinuing(false)}>
              Close
            </button>
            <button type="submit" className="primary" data-testid="continue-submit" disabled={!message.trim() || busy === "Continue"}>
              Send
            </button>
          </div>
        </form>
      )}
      {confirmDelete && (
        <Modal
          title="Delete job"
          onClose={() => setConfirmDelete(false)}
          testId="confirm-dialog"
          footer={
            <>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Keep
              </button>
              <button
                type="button"
                className="danger"
                data-testid="confirm-yes"
                onClick={() =>
                  run("Delete", () => ep.deleteJob(job.id), () => {
                    setConfirmDelete(false);
                    dispatch({ type: "messages", messages: [serverMessage("job.deleted", { id: job.id })] });
                    toast.info("Deleted");
                    onDeleted();
                  })
                }
              >
                Delete job
              </button>
            </>
          }
        >
          Delete <b>{job.title}</b> and its output? This cannot be undone.
        </Modal>
      )}
    </div>
  );
}
