"""A question that expires marks its job ("question expired: answer to resume"); answering it
later records the answer and continues the job's session with it. Questions keep a history."""

from __future__ import annotations

import httpx

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import agents_of, create, wait_job
from tests.support.podium_process import wait_until


def test_an_expired_question_marks_the_job_and_a_late_answer_resumes_it(
    api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "late-answer",
        [
            {"tool": "ask_user", "input": {"question": "Which flavour?", "timeout_ms": 1500}},
            {"text": "went on without: {{last_result.answer}}"},
            {"text": "resumed with: {{prompt}}"},
        ],
    )
    job = create(api, description=f"q {marker}")
    first = wait_job(api, job["id"])
    assert first["status"] == "done" and first["result"].startswith("went on without: No answer")
    [expired] = api.get("/api/questions", params={"status": "expired"}).json()
    assert expired["jobId"] == job["id"] and expired["question"] == "Which flavour?"
    assert first["expiredQuestionId"] == expired["id"]
    assert first["statusMessage"] == "question expired: answer to resume"

    answered = api.post(f"/api/questions/{expired['id']}/answer", json={"answer": "pistachio"})
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered" and answered.json()["answer"] == "pistachio"
    wait_until(lambda: len(agents_of(api, job["id"])) == 2, timeout=30, what="the resumed run")
    resumed = wait_job(api, job["id"])
    assert resumed["status"] == "done", resumed
    assert "pistachio" in resumed["result"] and "Which flavour?" in resumed["result"]
    assert resumed["expiredQuestionId"] is None
    first_run, second_run = agents_of(api, job["id"])
    assert first_run["sessionId"] == second_run["sessionId"], "the same session continued"
    history = api.get("/api/questions", params={"jobId": job["id"]}).json()
    assert [(q["status"], q["answer"]) for q in history] == [("answered", "pistachio")]
    assert api.get("/api/questions", params={"status": "expired"}).json() == []
    again = api.post(f"/api/questions/{expired['id']}/answer", json={"answer": "vanilla"})
    assert again.status_code == 409
