"""`podium lock acquire|release|check`: file locks for people and scripts, through the same
service agents use (over the REST API of the running server)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from podium.config import Settings

if TYPE_CHECKING:
    import httpx

lock_app = typer.Typer(help="Take, release and inspect file locks shared with agents.")

Files = Annotated[list[str], typer.Argument(help="Files to lock (relative to here).")]
Owner = Annotated[str, typer.Option(help="Who holds the lock (shown to agents).")]


def _client() -> httpx.Client:
    import httpx  # here: `podium serve` loads this module and never needs it

    settings = Settings()
    headers = {"Authorization": f"Bearer {settings.auth_token}"} if settings.auth_token else {}
    return httpx.Client(base_url=settings.base_url, headers=headers, timeout=None)


def _absolute(files: list[str]) -> list[str]:
    return [os.path.realpath(Path(f).expanduser().absolute()) for f in files]


def _call(method: str, path: str, **kwargs: Any) -> Any:
    import httpx

    try:
        with _client() as client:
            response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        typer.echo(f"podium: cannot reach the server: {exc}", err=True)
        raise typer.Exit(3) from None
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text
        typer.echo(f"podium: {message}", err=True)
        raise typer.Exit(1)
    return response.json() if response.content else None


@lock_app.command()
def acquire(
    files: Files,
    reason: Annotated[str, typer.Option(help="Why (shown to agents).")] = "",
    owner: Owner = os.environ.get("USER", "user"),
    wait: Annotated[float, typer.Option(help="Seconds to wait for busy files.")] = 0,
) -> None:
    """Lock files; waits up to --wait seconds for other holders (0 = fail at once)."""
    body = {"files": _absolute(files), "reason": reason, "owner": owner, "timeoutSec": wait}
    for lock in _call("POST", "/api/locks", json=body):
        typer.echo(f"locked {lock['path']} until {lock['expiresAt']}")


@lock_app.command()
def release(files: Files, owner: Owner = os.environ.get("USER", "user")) -> None:
    """Release locks you hold."""
    body = {"files": _absolute(files), "owner": owner}
    for path in _call("POST", "/api/locks/release", json=body):
        typer.echo(f"released {path}")


@lock_app.command()
def check(
    file: Annotated[str | None, typer.Argument(help="One file; all locks without it.")] = None,
) -> None:
    """Show who holds locks (exit 1 if FILE is locked)."""
    if file is None:
        for lock in _call("GET", "/api/locks"):
            typer.echo(f"{lock['path']}\t{lock['agentId']}\t{lock['reason']}")
        return
    answer = _call("GET", "/api/locks/check", params={"file": _absolute([file])[0]})
    holder = answer["holder"]
    if holder is None:
        typer.echo(f"{answer['file']} is free")
        return
    typer.echo(f"{answer['file']} is locked by {holder['agentId']}: {holder['reason']}")
    raise typer.Exit(1)
