"""The fake hosted services with sample data, and the settings that point Podium at them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from tests.fakes.hosted import FakeGitHub, FakeLinear, FakeOpenSearch

LINEAR_KEY = "lin_api_test_0123456789"
GITHUB_TOKEN = "ghp_test_0123456789"
REPO = "acme/shop"
FAILED_LOG = "\n".join(
    [f"2026-12-03T10:00:{n:02d}Z step output line {n}" for n in range(2000)]
    + ["2026-12-03T10:01:00Z FAILED tests/test_cart.py::test_empty_cart - KeyError: 'total'"]
)


def _run(run_id: int, branch: str, sha: str, conclusion: str) -> dict[str, object]:
    return {
        "id": run_id,
        "name": "CI",
        "status": "completed",
        "conclusion": conclusion,
        "head_branch": branch,
        "head_sha": sha,
        "event": "pull_request",
        "html_url": f"https://github.com/{REPO}/actions/runs/{run_id}",
        "created_at": f"2026-12-03T10:00:{run_id % 60:02d}Z",
    }


@dataclass
class HostedFakes:
    linear: FakeLinear
    opensearch: FakeOpenSearch
    github: FakeGitHub

    def env(self) -> dict[str, str]:
        """Podium's settings for all three, as environment variables."""
        return {
            "LINEAR_API_KEY": LINEAR_KEY,
            "LINEAR_API_URL": f"{self.linear.url}/graphql",
            "OPENSEARCH_URL": self.opensearch.url,
            "OPENSEARCH_USERNAME": "reader",
            "OPENSEARCH_PASSWORD": "reader-pw",
            "GITHUB_TOKEN": GITHUB_TOKEN,
            "GITHUB_API_URL": self.github.url,
            "GITHUB_REPO": REPO,
        }


@contextmanager
def hosted_fakes() -> Iterator[HostedFakes]:
    linear = FakeLinear(
        LINEAR_KEY,
        {
            "ENG-42": {
                "id": "9f1c0a52-0000-4000-8000-000000000042",
                "identifier": "ENG-42",
                "title": "Checkout fails on empty cart",
                "state": {"name": "In Progress"},
            }
        },
    )
    opensearch = FakeOpenSearch(
        {
            "logs-api": [
                {"@timestamp": "2026-12-03T09:00:00Z", "level": "info", "message": "started"},
                {"@timestamp": "2026-12-03T09:05:00Z", "level": "error", "message": "db timeout"},
                {"@timestamp": "2026-12-03T09:10:00Z", "level": "error", "message": "cart 500"},
            ],
            "logs-web": [
                {"@timestamp": "2026-12-03T08:00:00Z", "level": "error", "message": "old crash"},
            ],
        }
    )
    github = FakeGitHub(
        GITHUB_TOKEN,
        REPO,
        runs=[
            _run(903, "fix-cart", "c0ffee3", "failure"),
            _run(902, "fix-cart", "c0ffee2", "success"),
            _run(901, "main", "beef001", "failure"),
        ],
        jobs={
            903: [
                {
                    "id": 7001,
                    "run_id": 903,
                    "name": "tests (3.11)",
                    "status": "completed",
                    "conclusion": "failure",
                    "steps": [
                        {"name": "Checkout", "status": "completed", "conclusion": "success"},
                        {"name": "Run pytest", "status": "completed", "conclusion": "failure"},
                    ],
                },
                {
                    "id": 7002,
                    "run_id": 903,
                    "name": "lint",
                    "status": "completed",
                    "conclusion": "success",
                    "steps": [],
                },
            ],
            901: [],
        },
        logs={7001: FAILED_LOG, 7002: "lint ok\n"},
        pulls={17: {"number": 17, "head": {"ref": "fix-cart", "sha": "c0ffee3"}}},
    )
    with ExitStack() as stack:
        for fake in (linear, opensearch, github):
            stack.enter_context(fake)
        yield HostedFakes(linear, opensearch, github)
