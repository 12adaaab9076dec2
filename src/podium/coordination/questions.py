"""ask_user: an agent's question waits for the user's answer; the job shows waiting_user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import select, update

from podium.db.engine import Database
from podium.db.tables import questions
from podium.errors import Conflict, InvalidInput, NotFound
from podium.events import EventBus, IdRef, Message, wait_for
from podium.ids import new_id, now, to_datetime
from podium.jobs import repository as jobs_repository
from podium.jobs.states import JobStatus
from podium.jobs.transitions import StatusWriter
from podium.schemas import ApiModel, Text

# What an expired question leaves on its job (status message and reason) until it is answered.
EXPIRED = "question expired: answer to resume"


class Question(ApiModel):
    id: str
    job_id: str
    agent_id: str | None
    question: str
    status: str
    answer: str | None
    created_at: Any
    answered_at: Any | None


class QuestionCreated(Message):
    type: Literal["question.created"] = "question.created"
    data: Question


class QuestionAnswered(Message):
    type: Literal["question.answered"] = "question.answered"
    data: Question


class QuestionExpired(Message):
    type: Literal["question.expired"] = "question.expired"
    data: IdRef


class AnswerBody(ApiModel):
    answer: Text


class QuestionService:
    def __init__(
        self,
        db: Database,
        bus: EventBus,
        writer: StatusWriter,
        continue_job: Callable[[str, str], None],
    ) -> None:
        self._db = db
        self._bus = bus
        self._writer = writer
        self._continue_job = continue_job

    def list(self, status: str | None = None, job_id: str | None = None) -> list[Question]:
        query = select(questions).order_by(questions.c.created_at)
        if status:
            query = query.where(questions.c.status == status)
        if job_id:
            query = query.where(questions.c.job_id == job_id)
        with self._db.read() as conn:
            return [_schema(row) for row in conn.execute(query).mappings()]

    def get(self, question_id: str) -> Question:
        with self._db.read() as conn:
            row = (
                conn.execute(select(questions).where(questions.c.id == question_id))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFound(f"question {question_id} not found")
        return _schema(row)

    async def ask(self, *, job_id: str, agent_id: str, question: str, timeout_sec: float) -> str:
        """Block until answered; a timeout gives a plain "no answer" sentence the model can read."""
        if not question.strip():
            raise InvalidInput("question must not be empty", field="question")
        question_id = new_id("q")
        with self._writer.write() as change:
            change.conn.execute(
                questions.insert().values(
                    id=question_id,
                    job_id=job_id,
                    agent_id=agent_id,
                    question=question,
                    status="pending",
                    created_at=now(),
                )
            )
            change.set_status(
                job_id,
                JobStatus.WAITING_USER,
                reason="waiting for the user's answer",
                expect=(JobStatus.RUNNING,),
            )
            change.touch(job_id)
        asked = self.get(question_id)
        self._bus.publish(QuestionCreated(data=asked))

        def answered_question() -> Question | None:
            current = self.get(question_id)
            return current if current.status == "answered" else None

        try:
            answered: Question | None = await wait_for(
                self._bus,
                types=frozenset({"question.answered"}),
                check=answered_question,
                timeout=timeout_sec,
            )
        finally:
            still_open = self._close_unanswered(question_id)
            with self._writer.write() as change:
                change.set_status(
                    job_id,
                    JobStatus.RUNNING,
                    reason=EXPIRED if still_open else None,
                    expect=(JobStatus.WAITING_USER,),
                )
                change.touch(job_id)
        if answered is None or still_open:
            return f"No answer from the user within {timeout_sec:g} seconds."
        return answered.answer or ""

    def answer(self, question_id: str, answer: str) -> Question:
        """Answer a pending question, or one that expired: then the answer is recorded and the
        job's session continues with it (podium.jobs.service.JobService.continue_when_able)."""
        if not answer.strip():
            raise InvalidInput("answer must not be empty", field="answer")
        with self._writer.write() as change:
            row = (
                change.conn.execute(select(questions).where(questions.c.id == question_id))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound(f"question {question_id} not found")
            if row["status"] not in ("pending", "expired"):
                raise Conflict(f"question {question_id} is {row['status']}, not pending")
            change.conn.execute(
                update(questions)
                .where(questions.c.id == question_id)
                .values(status="answered", answer=answer, answered_at=now())
            )
            expired = row["status"] == "expired"
            job = jobs_repository.get(change.conn, row["job_id"])
            if expired and job is not None and job["expired_question_id"] == question_id:
                message = None if job["status_message"] == EXPIRED else job["status_message"]
                jobs_repository.update_fields(
                    change.conn, row["job_id"], expired_question_id=None, status_message=message
                )
                change.touch(row["job_id"])
        answered = self.get(question_id)
        self._bus.publish(QuestionAnswered(data=answered))
        if expired:
            said = f'The user answered your question "{row["question"]}": {answer}'
            self._continue_job(row["job_id"], said)
        return answered

    def expire_for_agent(self, agent_id: str) -> None:
        """An agent that ended can no longer receive an answer."""
        with self._db.read() as conn:
            ids = [
                row[0]
                for row in conn.execute(
                    select(questions.c.id).where(
                        questions.c.agent_id == agent_id, questions.c.status == "pending"
                    )
                )
            ]
        for question_id in ids:
            self._close_unanswered(question_id)

    def _close_unanswered(self, question_id: str) -> bool:
        """Expire a pending question; its job is marked so a person sees the answer it waits
        for (the answer can still be given, and resumes the job)."""
        with self._writer.write() as change:
            job_id = change.conn.execute(
                select(questions.c.job_id).where(
                    questions.c.id == question_id, questions.c.status == "pending"
                )
            ).scalar()
            if job_id is None:
                return False
            change.conn.execute(
                update(questions)
                .where(questions.c.id == question_id)
                .values(status="expired", answered_at=now())
            )
            jobs_repository.update_fields(
                change.conn, job_id, expired_question_id=question_id, status_message=EXPIRED
            )
            change.touch(job_id)
        self._bus.publish(QuestionExpired(data=IdRef(id=question_id)))
        return True


def _schema(row: Any) -> Question:
    return Question(
        id=row["id"],
        job_id=row["job_id"],
        agent_id=row["agent_id"],
        question=row["question"],
        status=row["status"],
        answer=row["answer"],
        created_at=to_datetime(row["created_at"]),
        answered_at=to_datetime(row["answered_at"]),
    )
