"""The dashboard's other views, in a real Chromium against the real server and `claude`: the
Changes tab, the job actions, Timeline, Settings, Notes, Locks, the interactive terminal (its
size, and the blue card of an idle interactive agent), theme and shortcuts, projects, the
browser notification a question raises, and the Questions view's history.

Each test drives the page the way a person does and checks both what the page shows and what the
server did (over REST). The module shares one server, so jobs are told apart by id.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from podium.agents.interactive.tmux import DEFAULT_COLS, DEFAULT_ROWS
from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.browser import LONG, card, connected, open_panel, shot
from tests.support.jobs import create, running_agent, wait_job
from tests.support.podium_process import PodiumServer, wait_until
from tests.support.terminal_viewer import Viewer, pane_size, tmux_alive


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_changes_tab_shows_the_agents_diff_coloured(
    page: Page, api: httpx.Client, model: ScriptedAnthropic, repo: Path
) -> None:
    name = unique("changed")
    added = f"added-by-the-agent {name}"
    marker = model.add_script(
        unique("b-changes"),
        [
            {
                "tool": "Write",
                "input": {"file_path": str(repo / f"{name}.txt"), "content": f"{added}\n"},
            },
            {"text": "wrote the file"},
        ],
    )
    job = create(api, description=f"write a file {marker}")
    done = wait_job(api, job["id"])
    assert done["status"] == "done", done
    assert (repo / f"{name}.txt").read_text() == f"{added}\n"
    agent_id = done["currentAgentId"]
    assert f"+{added}" in api.get(f"/api/agents/{agent_id}/diff").text

    panel = open_panel(page, job["id"])
    panel.get_by_test_id("tab-changes").click()
    diff_file = panel.get_by_test_id("diff-file").filter(has_text=f"{name}.txt")
    expect(diff_file).to_have_count(1)
    line = diff_file.locator(".diff-line.diff-add", has_text=added)
    expect(line).to_have_count(1)
    expect(line).to_have_text(f"+{added}")
    # Coloured: an added line is drawn in another colour than the file's header lines.
    add_colour = line.evaluate("el => getComputedStyle(el).color")
    meta_colour = diff_file.locator(".diff-line.diff-meta").first.evaluate(
        "el => getComputedStyle(el).color"
    )
    assert add_colour != meta_colour, (add_colour, meta_colour)
    shot(page, "panel-changes")


def test_continue_retry_flag_archive_and_delete_from_the_panel(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        unique("b-actions"),
        [{"text": "FIRST-RUN-ANSWER"}, {"text": "CONTINUED-ANSWER to: {{prompt}}"}],
    )
    job = create(api, title=unique("actions"), description=f"act {marker}")
    assert wait_job(api, job["id"])["status"] == "done"
    first_agent = api.get(f"/api/jobs/{job['id']}").json()["currentAgentId"]
    panel = open_panel(page, job["id"])
    events = panel.get_by_test_id("output-event")
    expect(events.filter(has_text="FIRST-RUN-ANSWER")).not_to_have_count(0)

    # Continue: the follow-up resumes the session and the new answer shows in Output.
    panel.get_by_test_id("action-continue").click()
    panel.get_by_test_id("continue-message").fill("please go on")
    panel.get_by_test_id("continue-submit").click()
    expect(panel.get_by_test_id("continue-message")).to_be_hidden()
    wait_until(
        lambda: api.get(f"/api/jobs/{job['id']}").json()["currentAgentId"] != first_agent,
        timeout=30,
        what="a second agent run",
    )
    continued = wait_job(api, job["id"])
    assert continued["status"] == "done", continued
    assert continued["result"] == "CONTINUED-ANSWER to: please go on", continued
    expect(events.filter(has_text="CONTINUED-ANSWER to: please go on")).not_to_have_count(
        0, timeout=LONG
    )
    agents = api.get("/api/agents", params={"jobId": job["id"]}).json()
    assert len(agents) == 2
    assert agents[0]["sessionId"] and agents[0]["sessionId"] == agents[1]["sessionId"]

    # Flag.
    flag = panel.get_by_test_id("action-flag")
    flag.click()
    expect(flag).to_have_attribute("aria-pressed", "true")
    wait_until(
        lambda: api.get(f"/api/jobs/{job['id']}").json()["flagged"] is True,
        timeout=10,
        what="job flagged",
    )

    # Retry: a new job with the same description, opened in the panel.
    panel.get_by_test_id("action-retry").click()

    def retried() -> list[str]:
        jobs = api.get("/api/jobs").json()
        return [j["id"] for j in jobs if j["description"] == job["description"]]

    ids = wait_until(lambda: len(retried()) == 2 and retried(), timeout=10, what="retry job")
    [retry_id] = [i for i in ids if i != job["id"]]
    expect(panel).to_have_attribute("data-job-id", retry_id)
    assert wait_job(api, retry_id)["status"] == "done"
    expect(card(page, retry_id)).to_be_visible()

    # Delete the retried job: gone from the server and the page.
    panel.get_by_test_id("action-delete").click()
    page.get_by_test_id("confirm-yes").click()
    expect(card(page, retry_id)).to_have_count(0)
    expect(page.get_by_test_id("panel")).to_have_count(0)
    wait_until(
        lambda: api.get(f"/api/jobs/{retry_id}").status_code == 404,
        timeout=10,
        what="retried job deleted",
    )
    assert api.get(f"/api/jobs/{job['id']}").status_code == 200

    # Archive the first job: it leaves the default view and shows in the archive.
    panel = open_panel(page, job["id"])
    panel.get_by_test_id("action-archive").click()
    wait_until(
        lambda: api.get(f"/api/jobs/{job['id']}").json()["archived"] is True,
        timeout=10,
        what="job archived",
    )
    page.get_by_test_id("panel-close").click()
    expect(card(page, job["id"])).to_have_count(0)
    listed = [j["id"] for j in api.get("/api/jobs").json()]
    assert job["id"] not in listed
    page.get_by_test_id("projects-select").select_option("__archived__")
    expect(card(page, job["id"])).to_be_visible()
    page.get_by_test_id("projects-select").select_option("")
    expect(card(page, job["id"])).to_have_count(0)


def test_timeline_shows_finished_jobs_as_bars(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(unique("b-timeline"), [{"text": "on the timeline", "delay": 1}])
    job = create(api, title=unique("timeline"), description=f"time me {marker}")
    done = wait_job(api, job["id"])
    assert done["status"] == "done" and done["startedAt"] and done["finishedAt"], done

    page.get_by_test_id("timeline-button").click()
    bar = page.get_by_test_id(f"timeline-bar-{job['id']}")
    expect(bar).to_have_count(1)
    expect(bar).to_contain_text(job["title"][:29])
    rect = bar.locator("rect")
    expect(rect).to_have_class(re.compile(r"\bbar-done\b"))
    assert float(rect.get_attribute("width") or 0) >= 3
    shot(page, "timeline")
    # A bar opens its job.
    rect.click()
    expect(page.get_by_test_id("panel")).to_have_attribute("data-job-id", job["id"])
    expect(page.get_by_test_id("timeline")).to_be_hidden()


def test_settings_change_max_concurrent_agents(page: Page, api: httpx.Client) -> None:
    original = api.get("/api/settings").json()["maxConcurrentAgents"]
    wanted = 7 if original != 7 else 8
    try:
        page.get_by_test_id("settings-button").click()
        field = page.get_by_test_id("settings-max-concurrent")
        expect(field).to_have_value(str(original))

        # A value out of range is refused in the page (the browser's own range check on the
        # number field); nothing reaches the server.
        field.fill("0")
        page.get_by_test_id("settings-save").click()
        assert field.evaluate("el => !el.checkValidity() && el.validationMessage !== ''")
        expect(page.get_by_test_id("settings")).to_be_visible()
        assert api.get("/api/settings").json()["maxConcurrentAgents"] == original

        field.fill(str(wanted))
        page.get_by_test_id("settings-save").click()
        wait_until(
            lambda: api.get("/api/settings").json()["maxConcurrentAgents"] == wanted,
            timeout=10,
            what="settings saved",
        )
        expect(page.get_by_test_id("error-maxConcurrentAgents")).to_have_count(0)
        shot(page, "settings")

        # A fresh page reads it back from the server; restore the original from the page.
        page.reload()
        page.get_by_test_id("settings-button").click()
        field = page.get_by_test_id("settings-max-concurrent")
        expect(field).to_have_value(str(wanted))
        field.fill(str(original))
        page.get_by_test_id("settings-save").click()
        wait_until(
            lambda: api.get("/api/settings").json()["maxConcurrentAgents"] == original,
            timeout=10,
            what="settings restored",
        )
    finally:
        api.put("/api/settings", json={"maxConcurrentAgents": original})


def test_notes_from_rest_and_agent_are_shown_edited_and_deleted(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    prefix = unique("bnotes")
    rest_key, agent_key, page_key = f"{prefix}/from-rest", f"{prefix}/from-agent", f"{prefix}/new"
    assert api.put(f"/api/notes/{rest_key}", json={"value": "written over REST"}).status_code == 200
    marker = model.add_script(
        unique("b-note"),
        [
            {"tool": "write_note", "input": {"key": agent_key, "value": "written by the agent"}},
            {"text": "noted"},
        ],
    )
    job = create(api, description=f"take a note {marker}")
    done = wait_job(api, job["id"])
    assert done["status"] == "done", done
    agent_note = api.get(f"/api/notes/{agent_key}").json()
    assert agent_note["value"] == "written by the agent"
    assert agent_note["updatedBy"] == done["currentAgentId"]

    page.get_by_test_id("notes-button").click()
    notes = page.get_by_test_id("notes")
    notes.get_by_test_id("notes-prefix").fill(prefix)
    expect(notes.get_by_test_id(f"note-{rest_key}")).to_be_visible()
    expect(notes.get_by_test_id(f"note-{agent_key}")).to_be_visible()
    notes.get_by_test_id(f"note-{agent_key}").click()
    expect(notes.locator(".note-value")).to_have_text("written by the agent")
    expect(notes.locator(".note-head")).to_contain_text(done["currentAgentId"])
    shot(page, "notes")

    # Edit the REST note in the page.
    notes.get_by_test_id(f"note-{rest_key}").click()
    expect(notes.locator(".note-value")).to_have_text("written over REST")
    notes.get_by_role("button", name="Edit", exact=True).click()
    notes.get_by_test_id("note-value").fill("edited in the page")
    notes.get_by_test_id("note-save").click()
    expect(notes.locator(".note-value")).to_have_text("edited in the page")
    edited = api.get(f"/api/notes/{rest_key}").json()
    assert edited["value"] == "edited in the page" and edited["updatedBy"] == "user", edited

    # A new note from the page.
    notes.get_by_test_id("note-new").click()
    notes.get_by_test_id("note-key").fill(page_key)
    notes.get_by_test_id("note-value").fill("made in the page")
    notes.get_by_test_id("note-save").click()
    expect(notes.get_by_test_id(f"note-{page_key}")).to_be_visible()
    assert api.get(f"/api/notes/{page_key}").json()["value"] == "made in the page"

    # Delete the agent's note from the page.
    notes.get_by_test_id(f"note-{agent_key}").click()
    notes.get_by_role("button", name="Delete", exact=True).click()
    expect(notes.get_by_test_id(f"note-{agent_key}")).to_have_count(0)
    assert api.get(f"/api/notes/{agent_key}").status_code == 404
    assert api.get(f"/api/notes/{rest_key}").status_code == 200


def test_lock_of_a_running_agent_shows_until_the_job_is_cancelled(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    path = f"{unique('locked')}.py"
    marker = model.add_script(
        unique("b-lock"),
        [
            {"tool": "lock_files", "input": {"files": [path], "reason": "browser lock test"}},
            {"text": "never", "delay": 120},
        ],
    )
    job = create(api, title=unique("locker"), description=f"hold a lock {marker}")
    running_agent(api, job["id"])

    def held() -> dict[str, Any] | None:
        mine = [lock for lock in api.get("/api/locks").json() if lock["jobId"] == job["id"]]
        return mine[0] if mine else None

    lock = wait_until(held, timeout=LONG / 1000, what="the agent's lock")
    assert lock["path"].endswith(path) and lock["reason"] == "browser lock test", lock

    page.get_by_test_id("locks-button").click()
    row = page.get_by_test_id(f"lock-{lock['id']}")
    expect(row).to_be_visible()
    expect(row).to_contain_text(path)
    expect(row).to_contain_text(job["title"])  # the holder, by its job
    expect(row).to_contain_text("browser lock test")
    shot(page, "locks")

    assert api.post(f"/api/jobs/{job['id']}/cancel").status_code == 200
    expect(row).to_have_count(0, timeout=20_000)
    assert wait_job(api, job["id"], timeout=20)["status"] == "cancelled"
    assert held() is None


def test_interactive_terminal_shows_the_session_and_takes_typing(
    page: Page, api: httpx.Client, model: ScriptedAnthropic, server: PodiumServer
) -> None:
    marker = model.add_script(
        unique("b-itx"),
        [
            {"text": "FIRST-ANSWER-ALPHA"},
            {"text": "SECOND-ANSWER-BETA to {{prompt}}"},
            {"text": "THIRD-ANSWER-GAMMA"},
        ],
    )
    job = create(api, title=unique("terminal"), description=f"Answer. {marker}", interactive=True)
    agent_id = running_agent(api, job["id"])["id"]
    try:
        panel = open_panel(page, job["id"])
        panel.get_by_test_id("tab-terminal").click()
        state = panel.get_by_test_id("terminal-state")
        expect(state).to_have_attribute("data-state", "connected")
        screen = panel.locator('[data-testid="terminal"] .xterm-rows')
        expect(screen).to_contain_text("FIRST-ANSWER-ALPHA", timeout=LONG)
        # Idle comes from Claude's Stop hook; type only once the TUI waits for input.
        expect(state).to_contain_text("idle", timeout=30_000)

        panel.get_by_test_id("terminal").click()
        page.keyboard.type("typed in the page")
        page.keyboard.press("Enter")
        expect(screen).to_contain_text("SECOND-ANSWER-BETA to typed in the page", timeout=LONG)
        expect(state).to_contain_text("idle", timeout=30_000)
        shot(page, "terminal")
        sent = [r for r in model.requests if marker in str(r.get("messages"))]
        assert any("typed in the page" in str(r["messages"]) for r in sent)

        # Disconnecting the viewer leaves the agent running.
        panel.get_by_test_id("terminal-disconnect").click()
        expect(state).to_have_attribute("data-state", "disconnected")
        expect(panel.get_by_test_id("terminal")).to_have_count(0)
        assert tmux_alive(server, agent_id)
        assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "running"

        # Reconnecting gets the screen back, and typing still reaches the agent.
        panel.get_by_test_id("terminal-reconnect").click()
        expect(state).to_have_attribute("data-state", "connected")
        expect(screen).to_contain_text("SECOND-ANSWER-BETA", timeout=20_000)

        # The panel's Reconnect action re-attaches too.
        panel.get_by_test_id("action-reconnect").click()
        expect(state).to_have_attribute("data-state", "connected")
        expect(screen).to_contain_text("SECOND-ANSWER-BETA", timeout=20_000)
        expect(state).to_contain_text("idle")
        panel.get_by_test_id("terminal").click()
        page.keyboard.type("third please")
        page.keyboard.press("Enter")
        expect(screen).to_contain_text("THIRD-ANSWER-GAMMA", timeout=LONG)
        assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "running"
        assert [a["id"] for a in api.get("/api/agents", params={"jobId": job["id"]}).json()] == [
            agent_id
        ]
    finally:
        api.post(f"/api/jobs/{job['id']}/cancel")
    expect(page.get_by_test_id("terminal-state")).to_have_attribute(
        "data-state", "ended", timeout=20_000
    )
    assert wait_job(api, job["id"], timeout=20)["status"] == "cancelled"
    wait_until(lambda: not tmux_alive(server, agent_id), timeout=10, what="tmux session gone")


def test_interactive_card_is_blue_while_idle_and_orange_while_busy(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    marker = model.add_script(
        unique("b-blue"),
        [
            {"text": "BLUE-FIRST-ANSWER"},
            # Slow, so the busy turn lasts long enough to be seen on the card.
            {"text": "BLUE-SECOND-ANSWER to {{prompt}}", "delay": 8},
        ],
    )
    job = create(api, title=unique("blue"), description=f"Answer. {marker}", interactive=True)
    agent_id = running_agent(api, job["id"])["id"]
    the_card = card(page, job["id"])
    try:
        panel = open_panel(page, job["id"])
        panel.get_by_test_id("tab-terminal").click()
        state = panel.get_by_test_id("terminal-state")
        screen = panel.locator('[data-testid="terminal"] .xterm-rows')
        expect(screen).to_contain_text("BLUE-FIRST-ANSWER", timeout=LONG)
        # Claude's Stop hook after the first answer: idle, waiting for input, so blue.
        expect(the_card).to_have_attribute("data-color", "blue", timeout=30_000)
        expect(the_card).to_have_attribute("data-status", "running")
        expect(state).to_contain_text("idle")
        assert api.get(f"/api/agents/{agent_id}").json()["activity"] == "idle"
        shot(page, "card-blue")

        # A typed follow-up: busy (UserPromptSubmit hook) while the model answers, so orange.
        panel.get_by_test_id("terminal").click()
        page.keyboard.type("a follow-up")
        page.keyboard.press("Enter")
        expect(the_card).to_have_attribute("data-color", "orange", timeout=30_000)
        expect(screen).not_to_contain_text("BLUE-SECOND-ANSWER")  # still answering
        expect(state).to_contain_text("busy")
        expect(screen).to_contain_text("BLUE-SECOND-ANSWER to a follow-up", timeout=LONG)
        expect(the_card).to_have_attribute("data-color", "blue", timeout=30_000)

        # A fresh page learns the idle agent from the /ws snapshot (no event will repeat it).
        page.reload()
        connected(page)
        expect(card(page, job["id"])).to_have_attribute("data-color", "blue")
        assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "running"
    finally:
        api.post(f"/api/jobs/{job['id']}/cancel")
    assert wait_job(api, job["id"], timeout=20)["status"] == "cancelled"
    expect(card(page, job["id"])).to_have_attribute("data-color", "dim", timeout=20_000)


def sent_size(terminal: Any) -> tuple[int, int]:
    """The size the page last sent the pane (the terminal host's data-cols / data-rows)."""
    return int(terminal.get_attribute("data-cols")), int(terminal.get_attribute("data-rows"))


def assert_fills_its_box(terminal: Any, size: tuple[int, int]) -> None:
    """xterm draws `size` inside its box, with less than a cell (plus the scrollbar) to spare."""
    expect(terminal.locator(".xterm-rows > div")).to_have_count(size[1])
    box, screen = terminal.evaluate(
        """host => ['.terminal-fit', '.xterm-screen'].map(selector => {
            const r = host.querySelector(selector).getBoundingClientRect();
            return {right: r.right, bottom: r.bottom, width: r.width, height: r.height};
        })"""
    )
    assert screen["right"] <= box["right"] + 0.5 and screen["bottom"] <= box["bottom"] + 0.5, (
        box,
        screen,
    )
    cell_width, cell_height = screen["width"] / size[0], screen["height"] / size[1]
    assert box["width"] - screen["width"] < cell_width + 14 + 1, (box, screen, size)
    assert box["height"] - screen["height"] < cell_height + 1, (box, screen, size)


def test_terminal_fits_its_box_and_the_pane_follows_the_viewport(
    page: Page, api: httpx.Client, model: ScriptedAnthropic, server: PodiumServer
) -> None:
    marker = model.add_script(unique("b-fit"), [{"text": "FIT-FIRST-ANSWER"}])
    job = create(api, title=unique("fit"), description=f"Answer. {marker}", interactive=True)
    agent_id = running_agent(api, job["id"])["id"]
    assert pane_size(server, agent_id) == (DEFAULT_COLS, DEFAULT_ROWS)  # no viewer yet
    try:
        panel = open_panel(page, job["id"])
        panel.get_by_test_id("tab-terminal").click()
        expect(panel.get_by_test_id("terminal-state")).to_have_attribute("data-state", "connected")
        terminal = panel.get_by_test_id("terminal")
        expect(terminal).to_have_attribute("data-cols", re.compile(r"^\d+$"))
        wide = sent_size(terminal)
        assert wide != (DEFAULT_COLS, DEFAULT_ROWS)
        wait_until(lambda: pane_size(server, agent_id) == wide, timeout=10, what=f"pane {wide}")
        assert_fills_its_box(terminal, wide)
        # The TUI redraws for the new size: its answer is on the page's screen.
        expect(terminal.locator(".xterm-rows")).to_contain_text("FIT-FIRST-ANSWER", timeout=LONG)

        # Another viewer is greeted with the pane at the page's size.
        viewer = Viewer(server, agent_id)
        try:
            viewer.wait_for(lambda: bool(viewer.messages), "the hello", timeout=10)
            assert viewer.messages[0]["type"] == "hello"
            assert (viewer.messages[0]["cols"], viewer.messages[0]["rows"]) == wide
        finally:
            viewer.close()

        # A smaller window: the terminal shrinks with its box, and the pane follows.
        page.set_viewport_size({"width": 1100, "height": 700})
        expect(terminal).not_to_have_attribute("data-cols", str(wide[0]))
        expect(terminal).not_to_have_attribute("data-rows", str(wide[1]))
        narrow = sent_size(terminal)
        assert narrow[0] < wide[0] and narrow[1] < wide[1], (wide, narrow)
        wait_until(lambda: pane_size(server, agent_id) == narrow, timeout=10, what="pane shrunk")
        assert_fills_its_box(terminal, narrow)
        shot(page, "terminal-fitted")
    finally:
        api.post(f"/api/jobs/{job['id']}/cancel")
    assert wait_job(api, job["id"], timeout=20)["status"] == "cancelled"


# The page looks elsewhere and may notify; each Notification it makes is recorded.
RECORD_NOTIFICATIONS = """
window.__notified = [];
class RecordedNotification {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notified.push({ title, body: options?.body ?? "" }); }
  close() {}
}
window.Notification = RecordedNotification;
document.hasFocus = () => false;
"""


def test_a_question_raises_a_browser_notification(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    page.add_init_script(RECORD_NOTIFICATIONS)
    page.reload()
    connected(page)
    question = f"Deploy to staging now? {unique('q')}"
    marker = model.add_script(
        unique("b-notify"),
        [{"tool": "ask_user", "input": {"question": question}}, {"text": "{{last_result}}"}],
    )
    job = create(api, description=f"ask {marker}")
    expect(card(page, job["id"])).to_have_attribute("data-color", "red", timeout=LONG)
    wait_until(
        lambda: any(n["body"] == question for n in page.evaluate("window.__notified")),
        timeout=15,
        what="a notification with the question",
    )
    [pending] = [
        q
        for q in api.get("/api/questions", params={"status": "pending"}).json()
        if q["jobId"] == job["id"]
    ]
    api.post(f"/api/questions/{pending['id']}/answer", json={"answer": "yes"})
    assert wait_job(api, job["id"])["status"] == "done"


def test_questions_view_lists_pending_first_then_the_answered_and_expired(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    lapsed, asked = f"Ship it tonight? {unique('q')}", f"Which fruit? {unique('q')}"
    marker = model.add_script(
        unique("b-history"),
        [
            {"tool": "ask_user", "input": {"question": lapsed, "timeout_ms": 300}},
            {"tool": "ask_user", "input": {"question": asked}},
            {"text": "user picked {{last_result.answer}}"},
        ],
    )
    job = create(api, description=f"ask twice {marker}")

    def pending() -> dict[str, Any] | None:
        return next(
            (
                q
                for q in api.get("/api/questions", params={"status": "pending"}).json()
                if q["question"] == asked
            ),
            None,
        )

    question = wait_until(pending, timeout=60, what="the second question pending")
    [expired] = [
        q
        for q in api.get("/api/questions", params={"status": "expired"}).json()
        if q["question"] == lapsed
    ]

    page.get_by_test_id("questions-button").click()
    view = page.get_by_test_id("questions")
    waiting = view.get_by_test_id("questions-pending")
    expect(waiting.get_by_test_id(f"question-{question['id']}")).to_contain_text(asked)
    history = view.get_by_test_id("question-history")
    record = history.get_by_test_id(f"history-{expired['id']}")
    expect(record).to_have_attribute("data-status", "expired")
    expect(record).to_contain_text(lapsed)
    expect(record.get_by_test_id("history-answer")).to_contain_text("without an answer")

    box = waiting.get_by_test_id(f"question-{question['id']}")
    box.get_by_test_id("answer-input").fill("mango")
    box.get_by_test_id("answer-submit").click()
    answered = history.get_by_test_id(f"history-{question['id']}")
    expect(answered).to_have_attribute("data-status", "answered")
    expect(answered.get_by_test_id("history-answer")).to_contain_text("mango")
    expect(waiting.get_by_test_id(f"question-{question['id']}")).to_have_count(0)
    # newest closed first: the one just answered sits above the one that expired
    ids = history.locator("li").evaluate_all("items => items.map(item => item.dataset.testid)")
    assert ids.index(f"history-{question['id']}") < ids.index(f"history-{expired['id']}")
    shot(page, "questions-history")
    done = wait_job(api, job["id"])
    assert done["status"] == "done" and done["result"] == "user picked mango", done


def test_theme_toggle_and_keyboard_shortcuts(page: Page) -> None:
    html = page.locator("html")
    before = html.get_attribute("data-theme")
    assert before in ("dark", "light")
    after = "light" if before == "dark" else "dark"
    page.get_by_test_id("theme-toggle").click()
    expect(html).to_have_attribute("data-theme", after)
    assert page.evaluate("localStorage.getItem('podium.theme')") == after
    page.reload()
    expect(html).to_have_attribute("data-theme", after)  # remembered
    page.get_by_test_id("theme-toggle").click()
    expect(html).to_have_attribute("data-theme", before)

    # "n" opens the new-job form, Escape closes it; "/" opens search.
    page.keyboard.press("n")
    expect(page.get_by_test_id("job-form")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("job-form")).to_be_hidden()
    page.keyboard.press("/")
    search = page.get_by_test_id("search-input")
    expect(search).to_be_visible()
    expect(search).to_be_focused()
    # Typing in a field is not a shortcut: "n" here does not open the form.
    page.keyboard.type("n")
    expect(search).to_have_value("n")
    expect(page.get_by_test_id("job-form")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(search).to_be_hidden()


def test_project_created_and_deleted_from_the_page(page: Page, api: httpx.Client) -> None:
    name = unique("browser-project")
    page.get_by_test_id("project-create").click()
    page.get_by_test_id("project-name-input").fill(name)
    page.get_by_test_id("project-create-submit").click()
    expect(page.get_by_test_id("project-name-input")).to_be_hidden()

    [project] = [p for p in api.get("/api/projects").json() if p["name"] == name]
    select = page.get_by_test_id("projects-select")
    expect(select.locator(f'option[value="{project["id"]}"]')).to_contain_text(name)
    expect(select).to_have_value(project["id"])  # the new project is selected

    page.get_by_test_id("project-delete").click()
    page.get_by_test_id("confirm-yes").click()
    expect(select.locator(f'option[value="{project["id"]}"]')).to_have_count(0)
    expect(select).to_have_value("")
    assert api.get(f"/api/projects/{project['id']}").status_code == 404
    assert name not in [p["name"] for p in api.get("/api/projects").json()]
