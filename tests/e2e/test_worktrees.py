"""useWorktree: the agent works in its own checkout; the branch is pushed and a PR opened."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.fakes.anthropic_server import ScriptedAnthropic
from tests.support.jobs import create, wait_job
from tests.support.podium_process import PodiumServer


def fake_gh(bin_dir: Path, log: Path) -> None:
    """GitHub is the one boundary besides the model that tests may replace."""
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(
        f'#!/bin/sh\necho "$@" >> {log}\necho "https://github.example/acme/repo/pull/7"\n'
    )
    gh.chmod(0o755)


def test_worktree_job_commits_pushes_and_opens_pr(
    make_server: Callable[..., PodiumServer],
    model: ScriptedAnthropic,
    repo: Path,
    tmp_path: Path,
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", str(remote)], check=True)
    (repo / ".gitignore").write_text(".env\n")
    subprocess.run(["git", "-C", str(repo), "add", ".gitignore"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "ignore",
        ],
        check=True,
    )
    (repo / ".env").write_text("SECRET=from-dotenv\n")
    gh_log = tmp_path / "gh.log"
    fake_gh(tmp_path / "bin", gh_log)
    import os

    server = make_server(PATH=f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    marker = model.add_script(
        "worktree",
        [
            {"tool": "Bash", "input": {"command": "pwd; cat .env"}},
            {"tool": "Write", "input": {"file_path": "{{prompt}}", "content": "feature\n"}},
            {"text": "feature written"},
        ],
    )
    with server.client() as api:
        job = create(api, description=f"feature.txt {marker}", workDir=str(repo), useWorktree=True)
        done = wait_job(api, job["id"])
        assert done["status"] == "done", done
        assert done["prUrl"] == "https://github.example/acme/repo/pull/7"
        agent = api.get("/api/agents", params={"jobId": job["id"]}).json()[0]
    worktree = repo / ".orchestrator-worktrees" / job["id"]
    assert agent["workDir"] == str(worktree)
    assert not worktree.exists(), "the worktree is removed once the job ends"
    assert not (repo / "feature.txt").exists(), "the main checkout is untouched"
    branch = f"podium/{job['id']}"
    shown = subprocess.run(
        ["git", "-C", str(remote), "show", f"{branch}:feature.txt"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout == "feature\n"
    assert f"--head {branch}" in gh_log.read_text()
    files = subprocess.run(
        ["git", "-C", str(remote), "ls-tree", "--name-only", branch],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert ".env" not in files, "ignored local config is copied in but never committed"
    bash_output = [e["text"] for e in api_output(server, agent["id"]) if e["kind"] == "tool_result"]
    assert str(worktree) in bash_output[0] and "from-dotenv" in bash_output[0]


def api_output(server: PodiumServer, agent_id: str) -> list[dict[str, str]]:
    with server.client() as api:
        events: list[dict[str, str]] = api.get(f"/api/agents/{agent_id}/output").json()["events"]
    return events


def test_copied_env_is_never_committed_even_when_only_the_main_checkout_ignores_it(
    make_server: Callable[..., PodiumServer],
    model: ScriptedAnthropic,
    repo: Path,
    tmp_path: Path,
) -> None:
    """The main checkout ignores .env through a .gitignore that is not committed, so the
    worktree (checked out from HEAD) has no rule for it: neither the agent's own `git add -A`
    nor Podium's commit at the end may take the copied .env into the pushed branch."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", str(remote)], check=True)
    (repo / ".gitignore").write_text(".env\n.env.local\n")  # uncommitted
    (repo / ".env").write_text("SECRET=from-dotenv\n")
    (repo / ".env.local").write_text("LOCAL_SECRET=from-dotenv-local\n")
    server = make_server()
    marker = model.add_script(
        "worktree-env",
        [
            {
                "tool": "Bash",
                "input": {
                    "command": "cat .env; git add -A && git -c user.name=agent "
                    "-c user.email=agent@localhost commit -qm 'agent commit'; git log --oneline"
                },
            },
            {"tool": "Write", "input": {"file_path": "{{prompt}}", "content": "feature\n"}},
            {"text": "feature written"},
        ],
    )
    with server.client() as api:
        job = create(api, description=f"feature.txt {marker}", workDir=str(repo), useWorktree=True)
        done = wait_job(api, job["id"])
        assert done["status"] == "done", done
        agent = api.get("/api/agents", params={"jobId": job["id"]}).json()[0]
    bash_output = [e["text"] for e in api_output(server, agent["id"]) if e["kind"] == "tool_result"]
    assert "from-dotenv" in bash_output[0], "the agent had the copied .env to run with"
    branch = f"podium/{job['id']}"
    committed = subprocess.run(
        ["git", "-C", str(remote), "log", branch, "--format=", "--name-only"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "feature.txt" in committed, committed
    assert ".env" not in committed and ".env.local" not in committed, committed
    assert (repo / ".env").read_text() == "SECRET=from-dotenv\n", "the main checkout keeps it"
