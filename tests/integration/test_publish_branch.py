"""Publishing a branch with real git, a bare remote and the `gh` stub against the fake GitHub
API: every way it can fall short is reported, never only logged."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from podium.prflow.publish import publish_branch
from tests.fakes.gh_stub import recorded_calls, write_gh_stub
from tests.fakes.hosted import FakeGitHub

TOKEN = "ghp_publish_test"
REPO = "acme/shop"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    git(
        work,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "0",
    )
    git(work, "checkout", "-q", "-b", "podium/feature")
    (work / "a.txt").write_text("a\n")
    git(work, "add", "a.txt")
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "a")
    return work


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(TOKEN, REPO, runs=[], jobs={}, logs={}, pulls={}) as fake:
        yield fake


def add_origin(checkout: Path, tmp_path: Path) -> Path:
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(checkout, "remote", "add", "origin", str(bare))
    return bare


def test_no_remote_is_a_problem_not_a_silence(checkout: Path) -> None:
    result = publish_branch(checkout, "podium/feature", title="t", body="b", gh_bin=None)
    assert not result.pushed and result.pr_url is None
    assert result.problem == "branch podium/feature not pushed: the repository has no remote"


def test_refused_push_says_why(checkout: Path, tmp_path: Path) -> None:
    git(checkout, "remote", "add", "origin", str(tmp_path / "missing.git"))
    result = publish_branch(checkout, "podium/feature", title="t", body="b", gh_bin=None)
    assert not result.pushed and result.remote == "origin"
    assert result.problem is not None and result.problem.startswith(
        "push of podium/feature to origin failed: "
    )


def test_pushed_without_gh_says_no_pull_request(checkout: Path, tmp_path: Path) -> None:
    bare = add_origin(checkout, tmp_path)
    missing = str(tmp_path / "no-such-gh")
    result = publish_branch(checkout, "podium/feature", title="t", body="b", gh_bin=missing)
    assert result.pushed and result.pr_url is None
    assert (
        result.problem
        == "branch podium/feature pushed to origin; no pull request: gh was not found"
    )
    assert git(bare, "rev-parse", "podium/feature") == git(checkout, "rev-parse", "HEAD")


def test_pull_request_opened_with_the_body_and_reused_when_it_exists(
    checkout: Path, tmp_path: Path, github: FakeGitHub
) -> None:
    add_origin(checkout, tmp_path)
    stubs = tmp_path / "bin"
    stubs.mkdir()
    gh = write_gh_stub(stubs, github.url, TOKEN, REPO)
    body = "## Task\nAdd a.\n" + "x" * 70_000  # long bodies go through stdin, not argv
    first = publish_branch(checkout, "podium/feature", title="Add a", body=body, gh_bin=str(gh))
    assert first.pushed and first.problem is None
    assert first.pr_url == f"https://github.com/{REPO}/pull/1"
    created = [r for r in github.requests if r["method"] == "POST"]
    assert json.loads(created[0]["body"]) == {
        "title": "Add a",
        "head": "podium/feature",
        "body": body,
    }
    again = publish_branch(checkout, "podium/feature", title="Add a", body=body, gh_bin=str(gh))
    assert again.pr_url == first.pr_url and again.problem is None
    assert [call[:2] for call in recorded_calls(gh)] == [["pr", "create"], ["pr", "create"]]


def test_open_pr_false_only_pushes(checkout: Path, tmp_path: Path, github: FakeGitHub) -> None:
    add_origin(checkout, tmp_path)
    gh = write_gh_stub(tmp_path, github.url, TOKEN, REPO)
    result = publish_branch(
        checkout, "podium/feature", title="t", body="b", gh_bin=str(gh), open_pr=False
    )
    assert result.pushed and result.pr_url is None and result.problem is None
    assert recorded_calls(gh) == []


def test_gh_stub_pr_view_reports_merge_and_checks(
    checkout: Path, tmp_path: Path, github: FakeGitHub
) -> None:
    gh = write_gh_stub(tmp_path, github.url, TOKEN, REPO)
    pull = github.add_pull("podium/feature", "Add a", "")
    github.check_runs[pull["head"]["sha"]] = [
        {"name": "test", "status": "completed", "conclusion": "failure"}
    ]
    view = json.loads(
        subprocess.run(
            [str(gh), "pr", "view", "podium/feature", "--json", "state,statusCheckRollup"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert view == {
        "state": "OPEN",
        "statusCheckRollup": [
            {
                "__typename": "CheckRun",
                "name": "test",
                "status": "COMPLETED",
                "conclusion": "FAILURE",
            }
        ],
    }
    pull.update(state="closed", merged=True, merged_at="2026-12-03T12:00:00Z")
    merged = subprocess.run(
        [str(gh), "pr", "view", "1", "--json", "state"], check=True, capture_output=True, text=True
    )
    assert json.loads(merged.stdout) == {"state": "MERGED"}
