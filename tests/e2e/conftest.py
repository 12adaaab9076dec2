"""End-to-end tests: real server, real CLIs, scripted model; their fixtures are in the root
`tests/conftest.py`, shared with the browser tests."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)
