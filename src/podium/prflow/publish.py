"""Push a branch and open its pull request. Every worktree job, workflow, best-of winner and Eye
proposal publishes through `publish_branch`, so a missing remote, a refused push or a missing `gh`
is reported the same way everywhere instead of being logged and lost."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_GIT_TIMEOUT_SEC = 120
_GH_TIMEOUT_SEC = 120


@dataclass(frozen=True, slots=True)
class Publication:
    """What publishing a branch achieved; `problem` is shown to the user when set."""

    branch: str
    remote: str | None
    pushed: bool
    pr_url: str | None
    problem: str | None


def _run(
    argv: list[str], cwd: Path, *, stdin: str | None = None, timeout: float
) -> tuple[int, str]:
    try:
        done = subprocess.run(
            argv, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        return 127, f"{argv[0]}: not found"
    except subprocess.TimeoutExpired:
        return 124, f"{' '.join(argv[:3])} timed out after {timeout:.0f} s"
    return done.returncode, (done.stdout + done.stderr).strip()


def push_remote(path: Path, branch: str) -> str | None:
    """The branch's upstream remote, else `origin`, else the only remote; None if none."""
    code, upstream = _run(
        ["git", "config", "--get", f"branch.{branch}.remote"], path, timeout=_GIT_TIMEOUT_SEC
    )
    if code == 0 and upstream:
        return upstream
    code, remotes = _run(["git", "remote"], path, timeout=_GIT_TIMEOUT_SEC)
    names = remotes.split() if code == 0 else []
    if "origin" in names:
        return "origin"
    return names[0] if len(names) == 1 else None


def resolve_gh(gh_bin: str | None) -> str | None:
    """`GH_BIN` when set (a path or a name on PATH), else `gh` on PATH; None when neither runs."""
    candidate = gh_bin or "gh"
    if "/" in candidate:
        return candidate if Path(candidate).is_file() else None
    return shutil.which(candidate)


def push_branch(path: Path, branch: str) -> tuple[str | None, str | None]:
    """Push `branch`; returns (remote, problem)."""
    remote = push_remote(path, branch)
    if remote is None:
        return None, f"branch {branch} not pushed: the repository has no remote"
    code, output = _run(["git", "push", "-q", "-u", remote, branch], path, timeout=_GIT_TIMEOUT_SEC)
    if code != 0:
        return remote, f"push of {branch} to {remote} failed: {_last_line(output)}"
    return remote, None


def open_pull_request(
    path: Path, branch: str, *, title: str, body: str, gh: str, base: str | None = None
) -> tuple[str | None, str | None]:
    """`gh pr create` for a pushed branch; an existing PR for the branch is reused. Returns
    (url, problem)."""
    argv = [gh, "pr", "create", "--head", branch, "--title", title, "--body-file", "-"]
    if base:
        argv += ["--base", base]
    code, output = _run(argv, path, stdin=body, timeout=_GH_TIMEOUT_SEC)
    urls = [word for word in output.split() if word.startswith(("http://", "https://"))]
    if code == 0 and urls:
        return urls[-1], None
    if "already exists" in output and urls:
        return urls[-1], None
    reason = _last_line(output) or f"gh exited {code}"
    return None, f"pull request for {branch} not opened: {reason}"


def publish_branch(
    path: Path,
    branch: str,
    *,
    title: str,
    body: str,
    gh_bin: str | None,
    open_pr: bool = True,
    base: str | None = None,
) -> Publication:
    """Push `branch` from the checkout at `path`, then (when `open_pr`) open its pull request."""
    remote, problem = push_branch(path, branch)
    if problem is not None:
        log.warning("%s", problem)
        return Publication(branch, remote, False, None, problem)
    if not open_pr:
        return Publication(branch, remote, True, None, None)
    gh = resolve_gh(gh_bin)
    if gh is None:
        problem = f"branch {branch} pushed to {remote}; no pull request: gh was not found"
        return Publication(branch, remote, True, None, problem)
    url, problem = open_pull_request(path, branch, title=title, body=body, gh=gh, base=base)
    if problem is not None:
        log.warning("%s", problem)
    return Publication(branch, remote, True, url, problem)


def _last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""
