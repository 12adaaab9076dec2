"""Model auto-classification: a job created without a model gets one picked for its task by a
cheap model (simple → haiku, medium → sonnet, complex → opus), so easy work costs little and hard
work gets the strongest model.

It never holds up the request that creates the job. The job is stored queued and marked
`pending`; the dispatcher passes over pending jobs, and the classification, when it answers (or
fails, which leaves the CLI's default model), stores the model and wakes the dispatcher."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from podium.background import BackgroundTasks
from podium.config import Settings
from podium.db.engine import Database
from podium.jobs import repository

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

MODEL_FOR = {"simple": "haiku", "medium": "sonnet", "complex": "opus"}
ANTHROPIC_API = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
PENDING = "pending"
UNAVAILABLE = "unavailable"  # the classifier gave no usable answer: the CLI's default model
TIMEOUT_SEC = 20.0
DESCRIPTION_CHARS = 8000
# Names the purpose of Podium's own model calls (logs, proxies, and the scripted test server).
HELPER_HEADER = "x-podium-helper"

SYSTEM_PROMPT = (
    "You sort coding tasks for an orchestrator that runs coding agents. Read the task and "
    "answer with exactly one word:\n"
    "simple - a small, well-defined change or question (a typo, a rename, one small function, "
    "reading something and reporting);\n"
    "medium - ordinary feature work or a bug fix across a few files;\n"
    "complex - design, large refactors, hard debugging, or work across many parts of a system."
)
_WORD = re.compile(r"[a-z]+")


def parse_answer(text: str) -> str | None:
    """The class named by the first word of the classifier's answer, if it is one."""
    match = _WORD.search(text.lower())
    return match.group(0) if match and match.group(0) in MODEL_FOR else None


class ModelClassifier:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        publish_job: Callable[[str], None],
        wake_dispatcher: Callable[[], None],
    ) -> None:
        self._settings = settings
        self._db = db
        self._publish_job = publish_job
        self._wake = wake_dispatcher
        self._tasks = BackgroundTasks()
        self._client: httpx.AsyncClient | None = None

    @property
    def enabled(self) -> bool:
        return self._settings.auto_model and bool(self._settings.anthropic_api_key)

    def start(self, job_id: str, description: str) -> None:
        """Classify a job just stored as pending, in the background."""
        self._tasks.start(self._classify(job_id, description))

    def resume_pending(self) -> None:
        """Jobs left pending by the last server are classified again."""
        with self._db.read() as conn:
            rows = repository.pending_classification(conn)
        for row in rows:
            self.start(row["id"], row["description"])

    async def close(self) -> None:
        await self._tasks.cancel()
        if self._client is not None:
            await self._client.aclose()

    async def _classify(self, job_id: str, description: str) -> None:
        import httpx  # here, not at the top: a server that classifies nothing never loads it

        try:
            answer = await self._ask(description)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.warning("could not pick a model for job %s: %s", job_id, exc or type(exc).__name__)
            answer = None
        found = parse_answer(answer) if answer is not None else None
        if answer is not None and found is None:
            log.info("job %s: the classifier answered %r; using the default model", job_id, answer)
        with self._db.write() as conn:
            row = repository.get(conn, job_id)
            if row is None or row["model_classification"] != PENDING:
                return
            if found is None:
                repository.update_fields(conn, job_id, model_classification=UNAVAILABLE)
            else:
                repository.update_fields(
                    conn, job_id, model=MODEL_FOR[found], model_classification=found
                )
        self._publish_job(job_id)
        self._wake()

    async def _ask(self, description: str) -> str:
        """One short Messages API call. Plain httpx, not the anthropic SDK: importing the SDK
        cost about 2 s of CPU, more than the whole server's start-up, for one small request."""
        import httpx

        if self._client is None:
            base = (self._settings.anthropic_base_url or ANTHROPIC_API).rstrip("/")
            self._client = httpx.AsyncClient(base_url=base, timeout=TIMEOUT_SEC)
        response = await self._client.post(
            "/v1/messages",
            headers={
                "x-api-key": self._settings.anthropic_api_key or "",
                "anthropic-version": ANTHROPIC_VERSION,
                HELPER_HEADER: "classify-model",
            },
            json={
                "model": self._settings.helper_model,
                "max_tokens": 8,
                "system": SYSTEM_PROMPT,
                "messages": [{"role": "user", "content": description[:DESCRIPTION_CHARS]}],
            },
        )
        response.raise_for_status()
        reply: dict[str, Any] = response.json()
        return "".join(
            str(block.get("text", "")) for block in reply["content"] if block.get("type") == "text"
        )
