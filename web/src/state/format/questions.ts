/** The Questions view's history: questions that were answered or expired, newest closed first. */
import type { Question } from "../../api/types";
import { parseTime } from "./format";

/** Answered and expired questions in one list, the most recently closed first (`answeredAt` is
 * when the user answered or when the question expired). */
export function questionHistory(answered: readonly Question[], expired: readonly Question[]): Question[] {
  const closedAt = (q: Question) => parseTime(q.answeredAt) ?? parseTime(q.createdAt) ?? 0;
  return [...answered, ...expired].sort((a, b) => closedAt(b) - closedAt(a) || b.id.localeCompare(a.id));
}
