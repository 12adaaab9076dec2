"""What an agent changed: a snapshot of the work tree when it starts, diffed against the tree now.

Snapshots go through a throwaway index file, so the user's own index and stash are never touched,
and new untracked files show up in the diff too."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def _git(work_dir: Path, *args: str, index: str | None = None, timeout: float = 60) -> str:
    env = dict(os.environ)
    if index is not None:
        env["GIT_INDEX_FILE"] = index
    completed = subprocess.run(
        ["git", *args],
        cwd=work_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return completed.stdout


def is_git_repo(work_dir: Path) -> bool:
    try:
        return _git(work_dir, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except (subprocess.CalledProcessError, OSError, subprocess.TimeoutExpired):
        return False


def snapshot_tree(work_dir: Path) -> str | None:
    """The id of a git tree holding the work dir as it is now (tracked + untracked, not ignored)."""
    if not is_git_repo(work_dir):
        return None
    with tempfile.TemporaryDirectory(prefix="podium-index-") as tmp:
        index = str(Path(tmp) / "index")
        try:
            _git(work_dir, "add", "-A", ".", index=index)
            return _git(work_dir, "write-tree", index=index).strip()
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            return None


def diff_since(work_dir: Path, base_tree: str | None) -> str:
    """Unified diff from `base_tree` (or HEAD when unknown) to the work dir as it is now."""
    return _diff(work_dir, base_tree, "--no-color", "--find-renames")


def changed_paths(work_dir: Path, base_tree: str | None) -> list[Path]:
    """Absolute paths of the files that differ from `base_tree` (added, changed or deleted)."""
    names = _diff(work_dir, base_tree, "--name-only", "--no-renames").splitlines()
    if not names:
        return []
    top = Path(_git(work_dir, "rev-parse", "--show-toplevel").strip())
    return [top / name for name in names if name]


def _diff(work_dir: Path, base_tree: str | None, *options: str) -> str:
    if not is_git_repo(work_dir):
        return ""
    current = snapshot_tree(work_dir)
    if current is None:
        return ""
    base = base_tree
    if base is None:
        try:
            base = _git(work_dir, "rev-parse", "HEAD^{tree}").strip()
        except subprocess.CalledProcessError:
            base = _git(work_dir, "hash-object", "-t", "tree", "/dev/null").strip()
    return _git(work_dir, "diff", *options, base, current)
