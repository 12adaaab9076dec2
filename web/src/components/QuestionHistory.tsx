/** Closed questions (answered or expired) with what was asked, the answer and when. */
import type { Question } from "../api/types";
import { formatClock } from "../state/format/format";

interface Props {
  questions: readonly Question[];
  jobTitle: (jobId: string) => string;
  onOpenJob: (jobId: string) => void;
}

export function QuestionHistory({ questions, jobTitle, onOpenJob }: Props) {
  return (
    <ol className="question-history" data-testid="question-history">
      {questions.map((q) => (
        <li key={q.id} className={`question-record ${q.status}`} data-testid={`history-${q.id}`} data-status={q.status}>
          <div className="question-head">
            <span className={`badge question-status ${q.status}`}>{q.status}</span>
            <button type="button" className="link-button" onClick={() => onOpenJob(q.jobId)}>
              {jobTitle(q.jobId)}
            </button>
            <span className="muted small">asked {formatClock(q.createdAt)}</span>
          </div>
          <div className="question-text">{q.question}</div>
          {q.status === "answered" ? (
            <div className="question-answer" data-testid="history-answer">
              <span className="muted small">answered {formatClock(q.answeredAt)}:</span> {q.answer}
            </div>
          ) : (
            <div className="question-answer muted" data-testid="history-answer">
              expired {formatClock(q.answeredAt)} without an answer
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
