"""The dashboard in a real Chromium against the real server, real `claude`, scripted model.

Each test drives the page the way a person does and checks what the page shows and what the
server did. Views worth looking at are saved to test-artifacts/screenshots/ on every run.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.browser import LONG, card, open_panel, shot
from tests.support.jobs import create, group_alive, running_agent, wait_job
from tests.support.podium_process import wait_until


def test_job_from_the_form_goes_orange_then_green_with_its_result(
    page: Page, api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    marker = model.add_script(
        "b-form",
        [
            {"tool": "Bash", "input": {"command": "echo browser-was-here"}, "delay": 1.5},
            {"text": "Result: the form job finished", "delay": 1},
        ],
    )
    page.get_by_test_id("new-job-button").click()
    form = page.get_by_test_id("job-form")
    page.get_by_test_id("field-description").fill(f"Say hello from the page {marker}")
    page.get_by_test_id("field-workDir").fill(str(repo))
    shot(page, "job-form")
    page.get_by_test_id("submit-job").click()
    expect(form).to_be_hidden()

    [job] = [j for j in api.get("/api/jobs").json() if marker in j["description"]]
    assert job["workDir"] == str(repo)
    expect(card(page, job["id"])).to_have_attribute("data-color", "orange")
    expect(card(page, job["id"])).to_have_attribute("data-color", "green", timeout=LONG)
    shot(page, "cards-grid")
    assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "done"

    panel = open_panel(page, job["id"])
    page.get_by_test_id("tab-output").click()
    expect(
        panel.get_by_test_id("output-event").filter(has_text="Result: the form job finished")
    ).not_to_have_count(0)
    expect(
        panel.get_by_test_id("output-event").filter(has_text="browser-was-here")
    ).not_to_have_count(0)
    shot(page, "panel-output")


def test_server_error_is_shown_beside_its_field(page: Page, api: httpx.Client) -> None:
    page.get_by_test_id("new-job-button").click()
    page.get_by_test_id("field-description").fill("work somewhere that does not exist")
    page.get_by_test_id("field-workDir").fill("/nonexistent/podium-browser-test")
    page.get_by_test_id("submit-job").click()

    field = page.locator(".field", has=page.get_by_test_id("field-workDir"))
    error = field.get_by_test_id("error-workDir")
    expect(error).to_be_visible()
    expect(error).to_contain_text("/nonexistent/podium-browser-test")
    expect(page.get_by_test_id("job-form")).to_be_visible()
    described = [j["description"] for j in api.get("/api/jobs").json()]
    assert "work somewhere that does not exist" not in described, "the server refused the job"
    shot(page, "job-form-error")


def test_question_answered_in_the_page_finishes_the_agent(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "b-ask",
        [
            {"tool": "ask_user", "input": {"question": "Which colour for the logo?"}},
            {"text": "user chose {{last_result.answer}}"},
        ],
    )
    job = create(api, description=f"ask me {marker}")
    expect(card(page, job["id"])).to_have_attribute("data-color", "red", timeout=LONG)
    [question] = [
        q
        for q in api.get("/api/questions", params={"status": "pending"}).json()
        if q["jobId"] == job["id"]
    ]
    expect(page.get_by_test_id("questions-count")).to_have_text("1")

    panel = open_panel(page, job["id"])
    box = panel.get_by_test_id(f"question-{question['id']}")
    expect(box).to_contain_text("Which colour for the logo?")
    shot(page, "panel-question")
    box.get_by_test_id("answer-input").fill("teal")
    box.get_by_test_id("answer-submit").click()

    done = wait_job(api, job["id"])
    assert done["status"] == "done" and done["result"] == "user chose teal", done
    expect(
        panel.get_by_test_id("output-event").filter(has_text="user chose teal")
    ).not_to_have_count(0)
    expect(page.get_by_test_id("questions-count")).to_have_text("0")


def test_card_warns_when_the_agent_nears_its_turn_cap(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "b-turns",
        [
            *[{"tool": "Bash", "input": {"command": f"echo step {n}"}} for n in range(1, 5)],
            {"text": "made it in five", "delay": 8},
        ],
    )
    job = create(api, description=f"use most turns {marker}", stopMode="turns", stopValue=5)
    badge = card(page, job["id"]).get_by_test_id("health-warnings")
    expect(badge).to_have_attribute("data-kinds", "high_turns", timeout=LONG)
    expect(badge).to_have_text("⚠ turns")
    expect(badge).to_have_attribute("title", "⚠ 4 of 5 turns used")
    shot(page, "card-health-warning")
    # Done: the warning is about a running agent, so it goes.
    expect(card(page, job["id"])).to_have_attribute("data-color", "green", timeout=LONG)
    expect(badge).to_have_count(0)


def test_cancel_from_the_page_kills_the_agent(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script("b-hang", [{"text": "never", "delay": 120}])
    job = create(api, description=f"hang around {marker}")
    pid = running_agent(api, job["id"])["pid"]
    open_panel(page, job["id"])
    page.get_by_test_id("action-cancel").click()
    confirm = page.get_by_test_id("confirm-yes")
    if confirm.count():
        confirm.click()

    wait_until(
        lambda: api.get(f"/api/jobs/{job['id']}").json()["status"] == "cancelled",
        timeout=15,
        what="job cancelled",
    )
    wait_until(lambda: not group_alive(pid), timeout=15, what="process group gone")
    expect(card(page, job["id"])).to_have_attribute("data-color", "dim")
    expect(page.get_by_test_id("panel-status")).to_contain_text("cancel")


def test_search_finds_agent_output_and_opens_its_panel(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        "b-search",
        [
            {"tool": "Bash", "input": {"command": "echo quokkaglimmer sighted"}},
            {"text": "saw a quokkaglimmer"},
        ],
    )
    job = create(api, description=f"look around {marker}")
    assert wait_job(api, job["id"])["status"] == "done"

    page.get_by_test_id("search-button").click()
    page.get_by_test_id("search-input").fill("quokkaglimmer")
    results = page.get_by_test_id("search-result")
    expect(results.first).to_be_visible()
    shot(page, "search")
    results.first.click()
    expect(page.get_by_test_id("panel")).to_have_attribute("data-job-id", job["id"])
    expect(page.get_by_test_id("search-input")).to_be_hidden()
    assert f"job={job['id']}" in page.url


def test_graph_shows_a_dependency_edge(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    first = model.add_script("b-first", [{"text": "first done"}])
    then = model.add_script("b-then", [{"text": "then done"}])
    upstream = create(api, title="upstream", description=f"first {first}")
    downstream = create(
        api, title="downstream", description=f"then {then}", dependsOn=[upstream["id"]]
    )
    page.get_by_test_id("graph-button").click()
    edge = page.locator(
        f'[data-testid="graph-edge"][data-source="{upstream["id"]}"]'
        f'[data-target="{downstream["id"]}"]'
    )
    expect(edge).to_have_count(1)
    expect(page.get_by_test_id(f"graph-node-{upstream['id']}")).to_be_visible()
    expect(page.get_by_test_id(f"graph-node-{downstream['id']}")).to_be_visible()
    others = page.locator(f'[data-testid="graph-edge"][data-target="{upstream["id"]}"]')
    expect(others).to_have_count(0)
    shot(page, "graph")
    assert wait_job(api, downstream["id"])["status"] == "done"


def test_usage_shows_the_jobs_cost(page: Page, api: httpx.Client, model: ScriptedAnthropic) -> None:
    marker = model.add_script(
        "b-usage",
        [{"text": "expensive answer", "usage": {"input_tokens": 200_000, "output_tokens": 50_000}}],
    )
    job = create(api, description=f"spend {marker}", model="claude-sonnet-4-5")
    done = wait_job(api, job["id"])
    assert done["status"] == "done" and done["costUsd"] > 0, done

    page.get_by_test_id("usage-button").click()
    total = page.get_by_test_id("usage-total-claude-cost")
    expect(total).to_be_visible()
    expect(total).not_to_have_text("$0.00")
    text = total.inner_text()
    shown = float(text.replace("$", "").replace(",", ""))
    assert shown >= done["costUsd"] - 0.01, (text, done["costUsd"])
    expect(page.get_by_test_id("usage-total-codex-cost")).to_have_text("$0.00")
    shot(page, "usage")


def test_projects_filter_the_cards(page: Page, api: httpx.Client, model: ScriptedAnthropic) -> None:
    marker = model.add_script("b-proj", [{"text": "project work done"}])
    apples = api.post("/api/projects", json={"name": "apples"}).json()
    pears = api.post("/api/projects", json={"name": "pears"}).json()
    in_apples = create(api, title="apple job", description=f"a {marker}", projectId=apples["id"])
    in_pears = create(api, title="pear job", description=f"p {marker}", projectId=pears["id"])
    expect(card(page, in_apples["id"])).to_be_visible()
    expect(card(page, in_pears["id"])).to_be_visible()

    select = page.get_by_test_id("projects-select")
    expect(select.locator(f'option[value="{pears["id"]}"]')).to_have_count(1)
    select.select_option(pears["id"])
    expect(card(page, in_pears["id"])).to_be_visible()
    expect(card(page, in_apples["id"])).to_have_count(0)
    select.select_option(apples["id"])
    expect(card(page, in_apples["id"])).to_be_visible()
    expect(card(page, in_pears["id"])).to_have_count(0)
    for job in (in_apples, in_pears):
        wait_job(api, job["id"])
