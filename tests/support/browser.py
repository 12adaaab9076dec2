"""Helpers for browser tests: find a job's card and panel, wait for the page's WebSocket, and
keep screenshots (`test-artifacts/screenshots/<name>.png`) for the docs and reviews."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.support.podium_process import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LONG = 60_000  # ms: an agent's whole run, CLI start-up included


def connected(page: Page, timeout: float = 30_000) -> None:
    page.wait_for_selector(
        '[data-testid="connection-status"][data-state="connected"]', timeout=timeout
    )


def shot(page: Page, name: str) -> Path:
    """A screenshot of the current view, kept on every run for the docs and reviews."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def card(page: Page, job_id: str) -> Locator:
    return page.get_by_test_id(f"job-card-{job_id}")


def open_panel(page: Page, job_id: str) -> Locator:
    """Click the job's card and wait for its panel."""
    card(page, job_id).click()
    panel = page.get_by_test_id("panel")
    expect(panel).to_have_attribute("data-job-id", job_id)
    return panel
