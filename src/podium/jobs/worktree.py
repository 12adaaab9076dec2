"""Isolated git worktrees for jobs: created before the agent starts, committed, pushed and turned
into a pull request when the job ends, then removed (the branch stays)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from podium.prflow.publish import Publication, publish_branch

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
    _copy_local_config(tree)
    return tree


def _copy_local_config(tree: Worktree) -> None:
    """Local config a project needs to run (.env files) comes along when the main checkout
    ignores it. That ignore may live only there (an uncommitted .gitignore; the worktree's comes
    from HEAD), so each copied name is also listed in the repository's shared info/exclude (an
    agent's own `git add -A` passes it by) and recorded in the worktree's private git dir, from
    which finish_worktree keeps it out of the commit explicitly."""
    copied = []
    for env_file in sorted(tree.repo_root.glob(".env*")):
        target = tree.path / env_file.name
        if env_file.is_file() and not target.exists() and _ignored(tree.repo_root, env_file):
            shutil.copy2(env_file, target)
            copied.append(env_file.name)
    if copied:
        _exclude(tree.repo_root, [f"/{name}" for name in copied])
        record = _copied_record(tree.path)
        known = record.read_text().split() if record.exists() else []
        record.write_text("".join(f"{name}\n" for name in dict.fromkeys([*known, *copied])))


def _copied_record(worktree_path: Path) -> Path:
    """Kept in the worktree's own git dir: never part of the work tree, gone with it."""
    git_dir = Path(_git(worktree_path, "rev-parse", "--git-dir"))
    if not git_dir.is_absolute():
        git_dir = worktree_path / git_dir
    return git_dir / "podium-copied-files"


def _copied_files(worktree_path: Path) -> list[str]:
    record = _copied_record(worktree_path)
    return record.read_text().split() if record.exists() else []


def _ignored(repo_root: Path, path: Path) -> bool:
    done = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=repo_root, check=False)
    return done.returncode == 0


def _ignore_worktrees_dir(repo_root: Path) -> None:
    _exclude(repo_root, [f"/{WORKTREES_DIR}/"])


def _exclude(repo_root: Path, patterns: list[str]) -> None:
    """Add patterns to the repository's info/exclude (shared by all its worktrees)."""
    exclude = Path(_git(repo_root, "rev-parse", "--git-path", "info/exclude"))
    if not exclude.is_absolute():
        exclude = repo_root / exclude
    exclude.parent.mkdir(parents=True, exist_ok=True)
    existing = exclude.read_text() if exclude.exists() else ""
    missing = [p for p in patterns if p not in existing.splitlines()]
    if missing:
        with exclude.open("a") as handle:
            handle.write("\n" + "".join(f"{p}\n" for p in missing))


def finish_worktree(
    tree: Worktree, *, title: str, succeeded: bool, body: str = "", gh_bin: str | None = None
) -> Publication | None:
    """Commit what the agent left, push the branch, open a PR on success, remove the worktree
    (the branch stays). None when there was no worktree left to finish."""
    if not tree.path.is_dir():
        return None
    copied = _copied_files(tree.path)
    _git(tree.path, "add", "-A")  # copied files are in info/exclude: left out
    if copied:  # unless something staged them anyway (git add -f): taken out again
        _git(tree.path, "rm", "-q", "--cached", "--ignore-unmatch", "--", *copied)
    if _git(tree.path, "diff", "--cached", "--name-only"):
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
    publication = publish_branch(
        tree.path,
        tree.branch,
        title=title,
        body=body or f"Opened by Podium for job branch `{tree.branch}`.",
        gh_bin=gh_bin,
        open_pr=succeeded,
    )
    _git(tree.repo_root, "worktree", "remove", "--force", str(tree.path))
    return publication
