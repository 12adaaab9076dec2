import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { Question } from "../api/types";
import { questionHistory } from "../state/format/questions";
import { QuestionHistory } from "./QuestionHistory";

afterEach(cleanup);

const question = (overrides: Partial<Question>): Question => ({
  id: "q",
  jobId: "job_1",
  agentId: "ag_1",
  question: "Which colour?",
  status: "answered",
  answer: null,
  createdAt: "2026-01-01T10:00:00Z",
  answeredAt: null,
  ...overrides,
});

const answered = question({ id: "q1", status: "answered", answer: "teal", answeredAt: "2026-01-01T10:05:00Z" });
const expired = question({ id: "q2", question: "Deploy now?", status: "expired", answeredAt: "2026-01-01T10:09:00Z" });
const older = question({ id: "q0", status: "answered", answer: "yes", createdAt: "2026-01-01T09:00:00Z", answeredAt: "2026-01-01T09:01:00Z" });

describe("questionHistory", () => {
  it("merges answered and expired questions, the most recently closed first", () => {
    expect(questionHistory([older, answered], [expired]).map((q) => q.id)).toEqual(["q2", "q1", "q0"]);
    expect(questionHistory([], [])).toEqual([]);
  });
});

describe("QuestionHistory", () => {
  it("shows each closed question with its status, answer and job", () => {
    const onOpenJob = vi.fn();
    render(<QuestionHistory questions={questionHistory([answered], [expired])} jobTitle={(id) => `Job ${id}`} onOpenJob={onOpenJob} />);
    const rows = within(screen.getByTestId("question-history")).getAllByRole("listitem");
    expect(rows.map((row) => row.dataset.status)).toEqual(["expired", "answered"]);

    const done = screen.getByTestId("history-q1");
    expect(done.textContent).toContain("Which colour?");
    expect(within(done).getByTestId("history-answer").textContent).toContain("teal");
    const lapsed = screen.getByTestId("history-q2");
    expect(lapsed.textContent).toContain("Deploy now?");
    expect(within(lapsed).getByTestId("history-answer").textContent).toContain("without an answer");

    fireEvent.click(within(done).getByRole("button", { name: "Job job_1" }));
    expect(onOpenJob).toHaveBeenCalledWith("job_1");
  });
});
