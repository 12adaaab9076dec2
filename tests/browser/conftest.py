"""Fixtures for browser tests: the e2e harness (real `podium serve`, real `claude`, scripted
model) plus a real Chromium (Debian's, never a downloaded one) driven by Playwright.

Screenshots: on a failing test, `test-artifacts/<test>.png`; `shot(page, name)`
(tests/support/browser.py) saves a view to `test-artifacts/screenshots/<name>.png` on every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.browser import ARTIFACTS, connected
from tests.support.jobs import kill_leftover_agents
from tests.support.podium_process import PodiumServer, agent_env, init_git_repo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FAILED_KEY = pytest.StashKey[bool]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed:
        item.stash[FAILED_KEY] = True
    return report


# Module scope, not session: the sync API keeps an event loop running in the main thread while
# it is open, and the asyncio tests that run after the browser tests need that thread free.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make test` (system-deps installs it)")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    model: ScriptedAnthropic,
) -> Iterator[PodiumServer]:
    """One real server per test module (start-up is most of a browser test's time); tests
    tell their jobs apart by id, never by counting everything on the server."""
    base = tmp_path_factory.mktemp("browser")
    home = base / "home"
    home.mkdir()
    server = PodiumServer(
        base / "data", agent_env(home, model.url), cwd=init_git_repo(base / "repo")
    )
    server.start()
    yield server
    server.stop()
    kill_leftover_agents(server)


@pytest.fixture
def repo(server: PodiumServer) -> Path:
    """The git repository the server runs in (jobs without a workDir work there)."""
    return server.cwd


@pytest.fixture
def api(server: PodiumServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def page(browser: Browser, server: PodiumServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page on the real server's dashboard, connected to its WebSocket."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/")
    connected(page)
    yield page
    if request.node.stash.get(FAILED_KEY, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
