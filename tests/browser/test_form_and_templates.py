"""The New Job form field by field, its errors beside their fields, Templates and the Questions
view, in a real Chromium against the real server and `claude` (scripted model).

What the other browser modules leave out: every field of the form reaching the server as
entered, each check (the page's own and the server's) shown beside the field it is about with
no job created, a template made in the page and used by a job, and answering an agent's
question from the Questions view. The module shares one server, so jobs are told apart by id
(or by a unique description before the id is known).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, Request, expect

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.browser import LONG, card, shot
from tests.support.jobs import create, wait_job
from tests.support.podium_process import wait_until


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def open_form(page: Page) -> Locator:
    page.get_by_test_id("new-job-button").click()
    form = page.get_by_test_id("job-form")
    expect(form).to_be_visible()
    return form


def jobs_described(api: httpx.Client, description: str) -> list[dict[str, Any]]:
    return [
        j
        for j in api.get("/api/jobs", params={"limit": 1000}).json()
        if j["description"] == description
    ]


def local_future(page: Page, days: int = 3) -> tuple[str, datetime]:
    """A datetime-local value `days` ahead in the browser's time zone, and the instant it is."""
    value: str = page.evaluate(
        """days => {
            const d = new Date(Date.now() + days * 86400e3);
            const p = n => String(n).padStart(2, "0");
            return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` +
                `T${p(d.getHours())}:${p(d.getMinutes())}`;
        }""",
        days,
    )
    iso: str = page.evaluate("v => new Date(v).toISOString()", value)
    return value, datetime.fromisoformat(iso.replace("Z", "+00:00"))


def cancel(api: httpx.Client, job_id: str) -> None:
    if api.get(f"/api/jobs/{job_id}").json()["status"] not in ("done", "failed", "cancelled"):
        api.post(f"/api/jobs/{job_id}/cancel")


class JobPosts:
    """The page's POST /api/jobs requests, to tell a check in the page (no request) from one
    on the server (a request answered 422)."""

    def __init__(self, page: Page) -> None:
        self.requests: list[Request] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        if request.method == "POST" and request.url.split("?")[0].endswith("/api/jobs"):
            self.requests.append(request)


def test_every_form_field_reaches_the_server(page: Page, api: httpx.Client, repo: Path) -> None:
    # Jobs to depend on and to be the parent: scheduled far ahead, so they never run.
    upstream = create(
        api,
        title=unique("upstream"),
        description="an upstream job to depend on",
        scheduledAt="2099-01-01T00:00:00Z",
    )
    parent = create(
        api,
        title=unique("parent"),
        description="a parent job",
        scheduledAt="2099-01-01T00:00:00Z",
    )
    project = api.post("/api/projects", json={"name": unique("form-project")}).json()
    description = f"Every field of the form {unique('fields')}"
    title = unique("all-fields")
    scheduled_value, scheduled_at = local_future(page)
    created: list[str] = []
    try:
        open_form(page)
        page.get_by_test_id("field-description").fill(description)
        page.get_by_test_id("field-title").fill(title)
        page.get_by_test_id("field-priority").fill("7")
        model_select = page.get_by_test_id("field-model")
        expect(
            model_select.locator('optgroup[label="Claude"] option[value="claude-haiku-4-5"]')
        ).to_have_count(1)
        model_select.select_option("claude-haiku-4-5")
        page.get_by_test_id("field-workDir").fill(str(repo))
        projects = page.get_by_test_id("field-projectId")
        expect(projects.locator(f'option[value="{project["id"]}"]')).to_have_count(1)
        projects.select_option(project["id"])
        page.get_by_test_id("field-useWorktree").check()
        page.get_by_test_id("field-interactive").check()

        page.get_by_test_id("field-maxTurns").fill("12")
        page.get_by_test_id("field-stopMode").select_option("budget")
        expect(page.get_by_test_id("field-stopValue")).to_be_enabled()
        page.get_by_test_id("field-stopValue").fill("1.5")
        # The picker lists existing jobs; the filter narrows it to the one wanted.
        page.get_by_test_id("field-dependsOn-filter").fill(upstream["id"])
        picker = page.get_by_test_id("field-dependsOn")
        expect(picker.locator("option")).to_have_count(1)
        expect(picker.locator("option")).to_contain_text(upstream["title"])
        picker.select_option([upstream["id"]])
        expect(page.locator(".field", has=picker)).to_contain_text("1 selected")
        page.get_by_test_id("field-scheduledAt").fill(scheduled_value)
        page.get_by_test_id("field-repeatIntervalSec").fill("3600")
        page.get_by_test_id("field-retryPolicy").select_option("analyze")
        for i, (key, value) in enumerate([("ticket", "PD-42"), ("env", "staging two")]):
            page.get_by_test_id("context-add").click()
            page.get_by_test_id(f"field-context-key-{i}").fill(key)
            page.get_by_test_id(f"field-context-value-{i}").fill(value)
        page.get_by_test_id("field-checkDiffNotEmpty").check()
        page.get_by_test_id("field-checkNoErrorInOutput").check()
        page.get_by_test_id("field-customCommands").fill("true\n\n  test -f README.md  \n")
        page.get_by_test_id("field-parentJobId").fill(parent["id"])
        shot(page, "job-form-all-fields")
        page.get_by_test_id("submit-job").click()
        expect(page.get_by_test_id("job-form")).to_be_hidden()

        [listed] = wait_until(
            lambda: jobs_described(api, description), timeout=10, what="the form's job"
        )
        created.append(listed["id"])
        job = api.get(f"/api/jobs/{listed['id']}").json()
        assert job["title"] == title
        assert job["priority"] == 7
        assert job["model"] == "claude-haiku-4-5"
        assert job["workDir"] == str(repo.resolve())
        assert job["projectId"] == project["id"]
        assert job["useWorktree"] is True and job["interactive"] is True
        assert job["maxTurns"] == 12
        assert job["stopMode"] == "budget" and job["stopValue"] == 1.5
        assert job["dependsOn"] == [upstream["id"]]
        assert datetime.fromisoformat(job["scheduledAt"].replace("Z", "+00:00")) == scheduled_at
        assert job["status"] == "scheduled", job
        assert job["repeatIntervalSec"] == 3600
        assert job["retryPolicy"] == "analyze"
        assert job["context"] == {"ticket": "PD-42", "env": "staging two"}
        assert job["completionChecks"] == [
            "diff_not_empty",
            "no_error_in_output",
            "custom_command:true",
            "custom_command:test -f README.md",
        ]
        assert job["parentJobId"] == parent["id"]
        assert job["templateId"] is None
        # The page shows the new job, scheduled.
        expect(card(page, job["id"])).to_have_attribute("data-status", "scheduled")
    finally:
        for job_id in [*created, upstream["id"], parent["id"]]:
            cancel(api, job_id)
        api.delete(f"/api/projects/{project['id']}")


def field_error(page: Page, name: str) -> Locator:
    """`error-<name>` inside the same .field as the `field-<name>` control."""
    field = page.locator(".field", has=page.get_by_test_id(f"field-{name}"))
    return field.get_by_test_id(f"error-{name}")


def refused_in_page(
    page: Page, posts: JobPosts, name: str, message: str, error: Locator | None = None
) -> None:
    """Submitting shows `message` beside the field; the page sent nothing."""
    before = len(posts.requests)
    page.get_by_test_id("submit-job").click()
    error = error if error is not None else field_error(page, name)
    expect(error).to_have_text(message)
    expect(page.locator('[data-testid^="error-"]')).to_have_count(1)
    assert len(posts.requests) == before, "the page's own check should have caught it"


def refused_by_server(
    page: Page, posts: JobPosts, name: str, message: str, error: Locator | None = None
) -> None:
    """Submitting sends the job; the server's 422 is shown beside the field it names."""
    before = len(posts.requests)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith("/api/jobs")
    ) as answer:
        page.get_by_test_id("submit-job").click()
    assert answer.value.status == 422, answer.value.text()
    body = answer.value.json()["error"]
    assert body["field"] == name, body
    error = error if error is not None else field_error(page, name)
    expect(error).to_have_text(body["message"])
    assert message in body["message"], body
    expect(page.locator('[data-testid^="error-"]')).to_have_count(1)
    assert len(posts.requests) == before + 1
    expect(page.get_by_test_id("job-form")).to_be_visible()


def test_field_errors_are_shown_beside_their_fields(
    page: Page, api: httpx.Client, repo: Path, tmp_path: Path
) -> None:
    posts = JobPosts(page)
    description = f"A job that is never created {unique('errors')}"
    open_form(page)

    # --- checks in the page (mirroring the server's); nothing is sent -----------------------
    refused_in_page(page, posts, "description", "Description is required")
    page.get_by_test_id("field-description").fill(description)
    expect(page.get_by_test_id("error-description")).to_have_count(0)  # cleared on edit

    priority = page.get_by_test_id("field-priority")
    for bad in ("11", "-11", "2.5"):
        priority.fill(bad)
        refused_in_page(page, posts, "priority", "Priority must be a whole number from -10 to 10")
    priority.fill("10")

    max_turns = page.get_by_test_id("field-maxTurns")
    max_turns.fill("0")
    refused_in_page(page, posts, "maxTurns", "Max turns must be a whole number from 1 to 10000")
    # Half a number typed ("1e"): the input's value is "" (badInput), not "no limit".
    max_turns.fill("")
    max_turns.click()
    page.keyboard.type("1e")
    assert max_turns.evaluate("el => el.value === '' && el.validity.badInput")
    refused_in_page(page, posts, "maxTurns", "Not a valid number")
    max_turns.fill("")

    stop_mode, stop_value = (
        page.get_by_test_id("field-stopMode"),
        page.get_by_test_id("field-stopValue"),
    )
    expect(stop_value).to_be_disabled()  # no stop value without a stop mode
    stop_mode.select_option("turns")
    refused_in_page(page, posts, "stopValue", "Stop mode turns needs a positive stop value")
    for mode, value, message in [
        ("turns", "0", "Stop mode turns needs a positive stop value"),
        ("turns", "2.5", "Stop value for turns must be a whole number"),
        ("budget", "-1", "Stop mode budget needs a positive stop value"),
        ("time", "0", "Stop mode time needs a positive stop value"),
        ("completion", "-3", "Stop value must be positive"),
    ]:
        stop_mode.select_option(mode)
        stop_value.fill(value)
        refused_in_page(page, posts, "stopValue", message)
    stop_value.fill("5")
    # Back to no stop mode: the (now disabled) stop value must not block the form.
    stop_mode.select_option("")
    expect(stop_value).to_be_disabled()
    expect(stop_value).to_have_value("")

    repeat = page.get_by_test_id("field-repeatIntervalSec")
    repeat.fill("0")
    refused_in_page(
        page,
        posts,
        "repeatIntervalSec",
        "Repeat interval must be a whole number of seconds (≥ 1)",
    )
    repeat.fill("")

    scheduled = page.get_by_test_id("field-scheduledAt")
    scheduled.fill("20000-01-01T00:00")  # a year the picker takes but no Date can hold
    refused_in_page(page, posts, "scheduledAt", "Not a valid date and time")
    # Half a date typed into the picker: the input's value is "" (badInput), which must not
    # pass as "no schedule" (the job would run at once).
    scheduled.fill("")
    scheduled.click()
    page.keyboard.type("0315")
    assert scheduled.evaluate("el => el.value === '' && el.validity.badInput")
    refused_in_page(page, posts, "scheduledAt", "Not a valid date and time")
    scheduled.fill("")

    page.get_by_test_id("context-add").click()
    page.get_by_test_id("field-context-value-0").fill("a value without a key")
    refused_in_page(page, posts, "context", "Every context value needs a key")
    page.get_by_test_id("field-context-key-0").fill("dup")
    page.get_by_test_id("context-add").click()
    page.get_by_test_id("field-context-key-1").fill(" dup ")
    refused_in_page(page, posts, "context", 'Context key "dup" appears twice')
    page.get_by_test_id("field-context-key-1").fill("other")

    # --- checks only the server can make; its 422 lands beside the field -----------------
    parent = page.get_by_test_id("field-parentJobId")
    parent.fill("job_doesnotexist")
    refused_by_server(page, posts, "parentJobId", "parent job job_doesnotexist does not exist")
    parent.fill("")

    not_git = tmp_path / "not-a-repo"
    not_git.mkdir()
    page.get_by_test_id("field-workDir").fill(str(not_git))
    page.get_by_test_id("field-useWorktree").check()
    refused_by_server(
        page,
        posts,
        "useWorktree",
        "useWorktree needs workDir to be a git repository",
        # Shown on the line under the checkboxes (they have no .field of their own).
        error=page.locator('.form-row.checks + [data-testid="error-useWorktree"]'),
    )
    page.get_by_test_id("field-useWorktree").uncheck()
    page.get_by_test_id("field-workDir").fill(str(repo))

    # A job picked as a dependency, deleted before the form is sent.
    doomed = create(
        api, title=unique("doomed"), description="deleted", scheduledAt="2099-01-01T00:00:00Z"
    )
    page.get_by_test_id("field-dependsOn-filter").fill(doomed["id"])
    picker = page.get_by_test_id("field-dependsOn")
    expect(picker.locator("option")).to_have_count(1)
    picker.select_option([doomed["id"]])
    assert api.delete(f"/api/jobs/{doomed['id']}").status_code in (200, 204)
    expect(picker.locator("option")).to_have_count(0)  # the live store dropped it
    refused_by_server(page, posts, "dependsOn", f"names jobs that do not exist: {doomed['id']}")
    picker.select_option([])
    page.get_by_test_id("field-dependsOn-filter").fill("")

    # A template picked, deleted before the form is sent.
    template = api.post(
        "/api/templates", json={"name": unique("gone-template"), "content": "vanishes"}
    ).json()
    templates = page.get_by_test_id("field-templateId")  # the open form learns of it live
    expect(templates.locator(f'option[value="{template["id"]}"]')).to_have_count(1)
    templates.select_option(template["id"])
    assert api.delete(f"/api/templates/{template['id']}").status_code == 204
    refused_by_server(page, posts, "templateId", f"template {template['id']} does not exist")
    templates.select_option("")

    # A project picked, deleted before the form is sent.
    project = api.post("/api/projects", json={"name": unique("gone-project")}).json()
    projects = page.get_by_test_id("field-projectId")
    expect(projects.locator(f'option[value="{project["id"]}"]')).to_have_count(1)
    projects.select_option(project["id"])
    assert api.delete(f"/api/projects/{project['id']}").status_code == 204
    expect(projects.locator(f'option[value="{project["id"]}"]')).to_have_count(0)
    refused_by_server(page, posts, "projectId", f"project {project['id']} does not exist")
    shot(page, "job-form-server-error")

    assert jobs_described(api, description) == [], "no job may have been created"


def test_template_made_in_the_page_is_used_by_a_job(
    page: Page, api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    marker = model.add_script(
        unique("b-template"),
        [{"text": "followed the template: {{prompt}}", "delay": 0.5}],
    )
    name = unique("review-template")
    content = f"Always be brief and careful. {marker}"
    page.get_by_test_id("templates-button").click()
    view = page.get_by_test_id("templates")
    view.get_by_test_id("template-new").click()
    view.get_by_test_id("template-name").fill(name)
    view.get_by_test_id("template-content").fill(content)
    view.get_by_label("Default model").select_option("claude-sonnet-4-5")
    view.get_by_label("Default work dir").fill(str(repo))
    view.get_by_test_id("template-save").click()
    expect(view.get_by_test_id("template-form")).to_have_count(0)

    [template] = [t for t in api.get("/api/templates").json() if t["name"] == name]
    assert template["content"] == content
    assert template["model"] == "claude-sonnet-4-5" and template["workDir"] == str(repo)
    item = view.get_by_test_id(f"template-{template['id']}")
    expect(item).to_contain_text(name)
    expect(item).to_contain_text(f"claude-sonnet-4-5 · {repo}")
    # Editing shows what was saved.
    item.locator(".list-main").click()
    expect(view.get_by_test_id("template-name")).to_have_value(name)
    expect(view.get_by_test_id("template-content")).to_have_value(content)
    shot(page, "templates")
    view.get_by_role("button", name="Close").click()
    expect(view).to_have_count(0)

    # Picked in the job form: its defaults fill the form, its text is previewed.
    open_form(page)
    expect(page.get_by_test_id("field-workDir")).to_have_value("")
    page.get_by_test_id("field-templateId").select_option(template["id"])
    expect(page.get_by_test_id("field-model")).to_have_value("claude-sonnet-4-5")
    expect(page.get_by_test_id("field-workDir")).to_have_value(str(repo))
    expect(page.locator(".template-preview")).to_have_text(content)
    # Back to no template: the defaults it filled in go with it; then pick it again.
    page.get_by_test_id("field-templateId").select_option("")
    expect(page.get_by_test_id("field-model")).to_have_value("")
    expect(page.get_by_test_id("field-workDir")).to_have_value("")
    page.get_by_test_id("field-templateId").select_option(template["id"])
    expect(page.get_by_test_id("field-model")).to_have_value("claude-sonnet-4-5")
    description = f"Review the README {unique('tpl-job')}"
    page.get_by_test_id("field-description").fill(description)
    page.get_by_test_id("submit-job").click()
    expect(page.get_by_test_id("job-form")).to_be_hidden()

    [listed] = wait_until(
        lambda: jobs_described(api, description), timeout=10, what="the template's job"
    )
    job = api.get(f"/api/jobs/{listed['id']}").json()
    assert job["templateId"] == template["id"]
    assert job["model"] == "claude-sonnet-4-5" and job["workDir"] == str(repo.resolve())
    expect(card(page, job["id"])).to_have_attribute("data-status", "done", timeout=LONG)
    done = api.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "done", done
    # The agent was told the template as guidelines, then the task.
    assert done["result"].startswith("followed the template: ## Guidelines"), done["result"]
    assert "Always be brief and careful." in done["result"]
    assert description in done["result"]

    # Deleted from the page.
    page.get_by_test_id("templates-button").click()
    view = page.get_by_test_id("templates")
    item = view.get_by_test_id(f"template-{template['id']}")
    item.get_by_role("button", name=f"Delete {name}").click()
    expect(item).to_have_count(0)
    assert api.get(f"/api/templates/{template['id']}").status_code == 404
    assert name not in [t["name"] for t in api.get("/api/templates").json()]
    # The job stays (done); its link to the deleted template is cleared (ON DELETE SET NULL).
    kept = api.get(f"/api/jobs/{job['id']}").json()
    assert kept["status"] == "done" and kept["templateId"] is None, kept


def test_question_answered_in_the_questions_view(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        unique("b-qview"),
        [
            {"tool": "ask_user", "input": {"question": "Which database should I use?"}},
            {"text": "going with {{last_result.answer}}"},
        ],
    )
    job = create(api, title=unique("asker"), description=f"ask me something {marker}")

    def pending() -> list[dict[str, Any]]:
        questions = api.get("/api/questions", params={"status": "pending"}).json()
        return [q for q in questions if q["jobId"] == job["id"]]

    try:
        [question] = wait_until(pending, timeout=LONG / 1000, what="the agent's question")
        expect(card(page, job["id"])).to_have_attribute("data-color", "red")
        page.get_by_test_id("questions-button").click()
        view = page.get_by_test_id("questions")
        box = view.get_by_test_id(f"question-{question['id']}")
        expect(box).to_contain_text("Which database should I use?")
        expect(box).to_contain_text(job["title"])
        expect(box.get_by_test_id("answer-submit")).to_be_disabled()  # nothing typed yet
        shot(page, "questions")
        box.get_by_test_id("answer-input").fill("postgres please")
        box.get_by_test_id("answer-submit").click()

        expect(box).to_have_count(0)  # answered: no longer pending
        # (This module's server has no other agent asking.)
        expect(view).to_contain_text("No questions waiting")
        expect(page.get_by_test_id("questions-count")).to_have_text("0")
        [answered] = api.get("/api/questions", params={"jobId": job["id"]}).json()
        assert answered["id"] == question["id"], answered
        assert answered["status"] == "answered" and answered["answer"] == "postgres please"
        done = wait_job(api, job["id"])
        assert done["status"] == "done", done
        assert done["result"] == "going with postgres please", done
        assert pending() == []
        expect(card(page, job["id"])).to_have_attribute("data-color", "green", timeout=LONG)
    finally:
        cancel(api, job["id"])
