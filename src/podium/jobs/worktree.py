"""Isolated git worktrees for jobs: created before the agent starts, committed, pushed and turned
into a pull request when the job ends, then removed (the branch stays)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

WORKTREES_DIR = ".orchestrator-worktrees"


class WorktreeError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Worktree:
    repo_root: Path
    path: Path
    branch: str


def _git(cwd: Path, *args: str, timeout: float = 120) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=True
        )
    except subprocess.CalledProcessError as exc:
        raise WorktreeError(f"git {' '.join(args)}: {exc.stderr.strip() or exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise WorktreeError(f"git {' '.join(args)} timed out") from exc
    return done.stdout.strip()


def worktree_for(work_dir: Path, job_id: str) -> Worktree:
    root = Path(_git(work_dir, "rev-parse", "--show-toplevel"))
    return Worktree(root, root / WORKTREES_DIR / job_id, f"podium/{job_id}")


def ensure_worktree(work_dir: Path, job_id: str) -> Worktree:
    """Create the job's worktree (or re-create it from its branch, for a continued job)."""
    tree = worktree_for(work_dir, job_id)
    if tree.path.is_dir():
        return tree
    tree.path.parent.mkdir(parents=True, exist_ok=True)
    _ignore_worktrees_dir(tree.repo_root)
    branches = _git(tree.repo_root, "branch", "--list", tree.branch)
    if branches:
        _git(tree.repo_root, "worktree", "add", str(tree.path), tree.branch)
    else:
        _git(tree.repo_root, "worktree", "add", "-b", tree.branch, str(tree.path), "HEAD")
    # Git-ignored local config a project needs to run (.env files) comes along; being ignored,
    # it is never committed from the worktree.
    for env_file in tree.repo_root.glob(".env*"):
        target = tree.path / env_file.name
        if env_file.is_file() and not target.exists() and _ignored(tree.repo_root, env_file):
            shutil.copy2(env_file, target)
    return tree


def _ignored(repo_root: Path, path: Path) -> bool:
    done = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=repo_root, check=False)
    return done.returncode == 0


def _ignore_worktrees_dir(repo_root: Path) -> None:
    exclude = Path(_git(repo_root, "rev-parse", "--git-path", "info/exclude"))
    if not exclude.is_absolute():
        exclude = repo_root / exclude
    exclude.parent.mkdir(parents=True, exist_ok=True)
    existing = exclude.read_text() if exclude.exists() else ""
    if f"/{WORKTREES_DIR}/" not in existing.splitlines():
        with exclude.open("a") as handle:
            handle.write(f"\n/{WORKTREES_DIR}/\n")


def finish_worktree(tree: Worktree, *, title: str, succeeded: bool) -> str | None:
    """Commit what the agent left, push the branch, open a PR on success; returns its URL."""
    pr_url: str | None = None
    if tree.path.is_dir():
        _git(tree.path, "add", "-A")
        if _git(tree.path, "status", "--porcelain"):
            _git(
                tree.path,
                "-c",
                "user.name=Podium",
                "-c",
                "user.email=podium@localhost",
                "commit",
                "-qm",
                f"podium: {title}",
            )
        remotes = _git(tree.path, "remote").split()
        if "origin" in remotes:
            _git(tree.path, "push", "-q", "-u", "origin", tree.branch)
            if succeeded and shutil.which("gh"):
                pr_url = _open_pull_request(tree, title)
        _git(tree.repo_root, "worktree", "remove", "--force", str(tree.path))
    return pr_url


def _open_pull_request(tree: Worktree, title: str) -> str | None:
    body = f"Opened by Podium for job branch `{tree.branch}`."
    try:
        done = subprocess.run(
            ["gh", "pr", "create", "--head", tree.branch, "--title", title, "--body", body],
            cwd=tree.path,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log.warning("could not open a pull request for %s: %s", tree.branch, exc)
        return None
    urls = [line for line in done.stdout.split() if line.startswith("http")]
    return urls[-1] if urls else None
