/** Every pending ask_user question, across jobs. */
import { usePendingQuestions } from "../state/queries";
import { EmptyState, Modal, NotAvailable } from "../components/Modal";
import { useLive } from "../state/live/LiveProvider";
import { QuestionBox } from "./QuestionBox";

export function QuestionsView({ onClose, onOpenJob }: { onClose: () => void; onOpenJob: (id: string) => void }) {
  const questions = usePendingQuestions();
  const { state } = useLive();
  const items = questions.data?.items ?? [];
  return (
    <Modal title="Questions from agents" onClose={onClose} wide testId="questions">
      {questions.isLoading ? (
        <div className="muted pad">Loading…</div>
      ) : questions.data && !questions.data.available ? (
        <NotAvailable what="Questions" />
      ) : items.length === 0 ? (
        <EmptyState title="No questions waiting">When an agent calls ask_user, its question appears here and its card turns red.</EmptyState>
      ) : (
        items.map((q) => (
          <div key={q.id} className="question-wrap">
            <QuestionBox question={q} jobTitle={state.jobs.get(q.jobId)?.title ?? q.jobId} />
            <button type="button" className="link-button" onClick={() => onOpenJob(q.jobId)}>
              Open job →
            </button>
          </div>
        ))
      )}
    </Modal>
  );
}
