/** The agents' ask_user questions across jobs: those waiting for an answer first, then the
 * history of answered and expired ones with their answers and times. */
import { EmptyState, Modal, NotAvailable } from "../components/Modal";
import { QuestionHistory } from "../components/QuestionHistory";
import { questionHistory } from "../state/format/questions";
import { useLive } from "../state/live/LiveProvider";
import { useQuestions } from "../state/queries";
import { QuestionBox } from "./QuestionBox";

export function QuestionsView({ onClose, onOpenJob }: { onClose: () => void; onOpenJob: (id: string) => void }) {
  const pending = useQuestions("pending");
  const answered = useQuestions("answered");
  const expired = useQuestions("expired");
  const { state } = useLive();
  const jobTitle = (jobId: string) => state.jobs.get(jobId)?.title ?? jobId;
  const waiting = pending.data?.items ?? [];
  const history = questionHistory(answered.data?.items ?? [], expired.data?.items ?? []);
  return (
    <Modal title="Questions from agents" onClose={onClose} wide testId="questions">
      {pending.isLoading ? (
        <div className="muted pad">Loading…</div>
      ) : pending.data && !pending.data.available ? (
        <NotAvailable what="Questions" />
      ) : (
        <>
          <section data-testid="questions-pending">
            <h3 className="section-title">Waiting for you</h3>
            {waiting.length === 0 ? (
              <EmptyState title="No questions waiting">When an agent calls ask_user, its question appears here and its card turns red.</EmptyState>
            ) : (
              waiting.map((q) => (
                <div key={q.id} className="question-wrap">
                  <QuestionBox question={q} jobTitle={jobTitle(q.jobId)} />
                  <button type="button" className="link-button" onClick={() => onOpenJob(q.jobId)}>
                    Open job →
                  </button>
                </div>
              ))
            )}
          </section>
          <section data-testid="questions-history-section">
            <h3 className="section-title">History</h3>
            {history.length === 0 ? (
              <div className="muted pad">No answered or expired questions yet.</div>
            ) : (
              <QuestionHistory questions={history} jobTitle={jobTitle} onOpenJob={onOpenJob} />
            )}
          </section>
        </>
      )}
    </Modal>
  );
}
