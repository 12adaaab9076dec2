"""Copied local config (.env files) never leaves a job's worktree, with real git and a bare
remote: not when the main checkout's ignore rule is uncommitted, not when something in the
worktree force-stages it, and not for a failed job (its branch is pushed too)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from podium.jobs.worktree import ensure_worktree, finish_worktree
from tests.support.podium_process import init_git_repo


def test_force_staged_env_of_a_failed_job_is_not_pushed(tmp_path: Path) -> None:
    repo = init_git_repo(tmp_path / "repo")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", str(remote)], check=True)
    (repo / ".gitignore").write_text(".env\n")  # uncommitted: HEAD has no rule for .env
    (repo / ".env").write_text("SECRET=1\n")

    tree = ensure_worktree(repo, "job_local_config")
    assert (tree.path / ".env").read_text() == "SECRET=1\n", "the job has the config to run with"
    (tree.path / "half-done.txt").write_text("partial\n")
    subprocess.run(["git", "-C", str(tree.path), "add", "-f", ".env"], check=True)
    finish_worktree(tree, title="failed job", succeeded=False)

    files = subprocess.run(
        ["git", "-C", str(remote), "ls-tree", "-r", "--name-only", tree.branch],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "half-done.txt" in files, "a failed job's work is still pushed"
    assert ".env" not in files, files
    assert not tree.path.exists()
