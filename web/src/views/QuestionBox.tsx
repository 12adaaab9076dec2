/** A pending ask_user question with its answer box. */
import { useState } from "react";
import type { Question } from "../api/types";
import { useAnswerQuestion } from "../state/queries";
import { errorText, useToast } from "../components/Toasts";
import { relativeTime } from "../state/format/format";

export function QuestionBox({ question, jobTitle }: { question: Question; jobTitle?: string }) {
  const [answer, setAnswer] = useState("");
  const mutation = useAnswerQuestion();
  const toast = useToast();
  const submit = () => {
    if (!answer.trim()) return;
    mutation.mutate(
      { id: question.id, answer: answer.trim() },
      {
        onSuccess: () => {
          setAnswer("");
          toast.info("Answer sent; the agent resumes");
        },
        onError: (error) => toast.error(errorText(error)),
      },
    );
  };
  return (
    <form
      className="question-box"
      data-testid={`question-${question.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="question-head">
        <span className="question-icon">?</span>
        <span>
          {jobTitle ? <b>{jobTitle}</b> : "The agent"} asks · <span className="muted">{relativeTime(question.createdAt)}</span>
        </span>
      </div>
      <div className="question-text">{question.question}</div>
      <textarea
        data-testid="answer-input"
        value={answer}
        placeholder="Your answer…"
        rows={3}
        onChange={(e) => setAnswer(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <div className="form-actions">
        <span className="muted small">Ctrl+Enter to send</span>
        <button type="submit" className="primary" data-testid="answer-submit" disabled={!answer.trim() || mutation.isPending}>
          {mutation.isPending ? "Sending…" : "Submit answer"}
        </button>
      </div>
    </form>
  );
}
