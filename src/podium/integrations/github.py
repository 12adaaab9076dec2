"""query_ci_logs: GitHub Actions runs and the logs of their failed jobs, through GitHub's REST
API (GITHUB_TOKEN), or through the `gh` CLI (GH_BIN) with its own login when no token is set."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, Protocol

import httpx

from podium.config import Settings
from podium.integrations.common import (
    IntegrationFailed,
    IntegrationNotConfigured,
    fit_list,
    fit_text,
)

REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
MAX_RUNS = 10
MAX_TAIL_CHARS = 20_000


class GitHub(Protocol):
    async def json(self, path: str, params: dict[str, str] | None = None) -> Any: ...
    async def text(self, path: str) -> str: ...


class RestGitHub:
    def __init__(self, settings: Settings, token: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=settings.github_api_url.rstrip("/"),
            timeout=settings.integration_timeout_sec,
            # Job logs answer with a redirect to storage; httpx drops the token on another host.
            follow_redirects=True,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )

    async def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        try:
            response = await self._client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise IntegrationFailed(f"GitHub could not be reached: {exc!r}") from exc
        if response.status_code >= 400:
            raise IntegrationFailed(
                f"GitHub GET {path}: HTTP {response.status_code}: {response.text[:300]}"
            )
        return response

    async def json(self, path: str, params: dict[str, str] | None = None) -> Any:
        return (await self._get(path, params)).json()

    async def text(self, path: str) -> str:
        return (await self._get(path)).text

    async def close(self) -> None:
        await self._client.aclose()


class GhCliGitHub:
    """The same REST calls through `gh api`, which uses the user's `gh auth` login."""

    def __init__(self, settings: Settings, gh_bin: str) -> None:
        self._bin = gh_bin
        self._timeout = settings.integration_timeout_sec

    async def _api(self, path: str, params: dict[str, str] | None) -> str:
        args = [self._bin, "api", "--method", "GET", path.lstrip("/")]
        for key, value in (params or {}).items():
            args += ["-f", f"{key}={value}"]
        try:
            proc = await asyncio.create_subprocess_exec(
                *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
        except OSError as exc:
            raise IntegrationFailed(f"GH_BIN {self._bin!r} could not run: {exc}") from exc
        try:
            async with asyncio.timeout(self._timeout):
                out, err = await proc.communicate()
        except TimeoutError as exc:
            proc.kill()
            await proc.wait()
            raise IntegrationFailed(f"gh api {path} did not answer in time") from exc
        if proc.returncode != 0:
            detail = (err or out).decode(errors="replace")[:300]
            raise IntegrationFailed(f"gh api {path} failed: {detail}")
        return out.decode(errors="replace")

    async def json(self, path: str, params: dict[str, str] | None = None) -> Any:
        return json.loads(await self._api(path, params))

    async def text(self, path: str) -> str:
        return await self._api(path, None)

    async def close(self) -> None:
        return None


def _summary(run: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "status", "conclusion", "head_branch", "head_sha", "event")
    return {key: run.get(key) for key in keys} | {
        "url": run.get("html_url"),
        "created_at": run.get("created_at"),
    }


async def query_ci_logs(
    settings: Settings,
    pr: int | None = None,
    branch: str | None = None,
    run_id: int | None = None,
    repo: str | None = None,
) -> dict[str, Any]:
    target_repo = repo or settings.github_repo
    if settings.github_token:
        api: RestGitHub | GhCliGitHub = RestGitHub(settings, settings.github_token)
    elif settings.gh_bin:
        api = GhCliGitHub(settings, settings.gh_bin)
    else:
        raise IntegrationNotConfigured("query_ci_logs", "GITHUB_TOKEN or GH_BIN")
    if not target_repo or not REPO.match(target_repo):
        raise IntegrationFailed("repo must be owner/name (pass repo, or set GITHUB_REPO)")
    try:
        return await _query(settings, api, target_repo, pr, branch, run_id)
    finally:
        await api.close()


async def _query(
    settings: Settings,
    api: GitHub,
    repo: str,
    pr: int | None,
    branch: str | None,
    run_id: int | None,
) -> dict[str, Any]:
    base = f"/repos/{repo}/actions"
    if run_id is not None:
        runs = [await api.json(f"{base}/runs/{run_id}")]
    else:
        params = {"per_page": str(MAX_RUNS)}
        if pr is not None:
            pull = await api.json(f"/repos/{repo}/pulls/{pr}")
            params["head_sha"] = pull["head"]["sha"]
        elif branch:
            params["branch"] = branch
        runs = (await api.json(f"{base}/runs", params))["workflow_runs"][:MAX_RUNS]
    chosen = (
        runs[0]
        if run_id is not None
        else next((run for run in runs if run.get("conclusion") == "failure"), None)
    )
    failed: list[dict[str, Any]] = []
    if chosen is not None:
        jobs = await api.json(f"{base}/runs/{chosen['id']}/jobs", {"per_page": "100"})
        failing = [job for job in jobs["jobs"] if job.get("conclusion") == "failure"]
        tail = min(MAX_TAIL_CHARS, settings.integration_max_chars // (2 * max(1, len(failing))))
        for job in failing:
            log = await api.text(f"{base}/jobs/{job['id']}/logs")
            failed.append(
                {
                    "id": job["id"],
                    "name": job.get("name"),
                    "failed_steps": [
                        step.get("name")
                        for step in job.get("steps") or []
                        if step.get("conclusion") == "failure"
                    ],
                    "log_tail": fit_text(log, tail),
                }
            )
    result = {
        "repo": repo,
        "runs": [_summary(run) for run in runs],
        "failed_run_id": chosen["id"] if chosen is not None else None,
        "failed_jobs": failed,
    }
    return fit_list(result, "failed_jobs", settings.integration_max_chars)
