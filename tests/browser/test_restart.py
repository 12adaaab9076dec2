"""The page survives a server restart: it reconnects on its own and shows new jobs.

Its own module, so the restart has a server of its own (the browser server is per module).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.browser import LONG, card, connected
from tests.support.jobs import create, wait_job
from tests.support.podium_process import PodiumServer


def test_page_recovers_after_a_server_restart(
    page: Page, server: PodiumServer, model: ScriptedAnthropic
) -> None:
    before = model.add_script("b-before", [{"text": "before the restart"}])
    with server.client() as api:
        earlier = create(api, title="before restart", description=f"once {before}")
        assert wait_job(api, earlier["id"])["status"] == "done"
    expect(card(page, earlier["id"])).to_have_attribute("data-color", "green")
    status = page.get_by_test_id("connection-status")
    server.stop()
    expect(status).not_to_have_attribute("data-state", "connected", timeout=15_000)
    server.start()
    connected(page, timeout=30_000)
    expect(card(page, earlier["id"])).to_have_attribute("data-color", "green")
    marker = model.add_script("b-after", [{"text": "after the restart"}])
    with server.client() as api:
        job = create(api, title="after restart", description=f"again {marker}")
        expect(card(page, job["id"])).to_be_visible(timeout=15_000)
        assert wait_job(api, job["id"])["status"] == "done"
    expect(card(page, job["id"])).to_have_attribute("data-color", "green", timeout=LONG)
