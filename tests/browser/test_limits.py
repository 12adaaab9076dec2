"""The dashboard's held queue and Settings' limits and backups, in a real browser."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.browser import LONG, card, shot
from tests.support.jobs import create


def test_held_job_says_why_until_the_threshold_is_lowered(
    page: Page, api: httpx.Client, model: ScriptedAnthropic
) -> None:
    script = model.add_script("browser-held", [{"text": "ran once it fitted"}])
    try:
        # The threshold is set from Settings, as a user would.
        page.get_by_test_id("settings-button").click()
        memory = page.get_by_test_id("settings-agent-memory")
        expect(memory).to_have_value("275")
        memory.fill("900000")
        page.get_by_test_id("settings-limits-save").click()
        expect(page.get_by_test_id("toast-info")).to_contain_text("Limits saved")
        assert api.get("/api/settings").json()["agentMemoryMb"] == 900_000
        page.keyboard.press("Escape")

        job = create(api, description=f"Held for memory {script}")
        reason = card(page, job["id"]).get_by_test_id("hold-reason")
        expect(reason).to_contain_text(re.compile(r"^low memory: \d+ MB free"))
        banner = page.get_by_test_id("queue-held")
        expect(banner).to_contain_text("Queue held (1 job)")
        expect(banner.get_by_test_id("queue-hold")).to_have_attribute("data-kind", "resources")
        shot(page, "queue-held")
    finally:
        api.put("/api/settings", json={"agentMemoryMb": 275})
    expect(card(page, job["id"])).to_have_attribute("data-status", "done", timeout=LONG)
    expect(page.get_by_test_id("queue-held")).to_have_count(0)


def test_settings_lists_backups_and_backs_up_now(page: Page, api: httpx.Client) -> None:
    before = len(api.get("/api/backups").json())
    page.get_by_test_id("settings-button").click()
    section = page.get_by_test_id("settings-backups")
    expect(section.get_by_test_id("backup-item")).to_have_count(before)
    section.get_by_test_id("backup-now").click()
    expect(section.get_by_test_id("backup-item")).to_have_count(before + 1)
    [newest, *_] = api.get("/api/backups").json()
    expect(section.get_by_test_id("backup-item").first).to_contain_text(newest["name"])
    shot(page, "settings-backups")
