"""The `podium` command: `podium serve` starts the server; `podium openapi` prints its API;
`podium backup` / `podium restore FILE` back the database up and restore it."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Annotated

import typer
from pydantic import ValidationError

from podium.config import Settings
from podium.lock_cli import lock_app
from podium.private_data import PRIVATE_UMASK, is_loopback, make_data_private

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Podium: many agents, one repo.")


app.add_typer(lock_app, name="lock")


@app.callback()
def _root() -> None:
    """Podium: run many coding agents in parallel and make them work together."""


def load_settings() -> Settings:
    """Settings from the environment; a bad value ends the process with one clear line."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        typer.echo(f"podium: invalid settings: {problems}", err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    port: Annotated[int | None, typer.Option(help="HTTP port (default: PORT or 3456)")] = None,
    host: Annotated[
        str | None, typer.Option(help="Bind address (default: HOST or 127.0.0.1)")
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Demo mode: a built-in scripted model drives real Claude agents through "
            "seeded jobs (data in data/demo unless PODIUM_DATA_DIR is set).",
        ),
    ] = False,
) -> None:
    """Start the API, the dashboard, the MCP server and the dispatcher."""
    os.umask(PRIVATE_UMASK)  # before anything is written, the demo's files included
    demo_mode = None
    if demo:
        from podium.demo.mode import prepare

        demo_mode = prepare()  # sets the agents' environment, so before the settings are read
    settings = load_settings()
    if port is not None:
        settings.port = port
    if host is not None:
        settings.host = host
    if not is_loopback(settings.host) and not settings.auth_token:
        typer.echo(
            f"podium: HOST={settings.host} lets other machines reach this server, which runs "
            "code: set AUTH_TOKEN (every API call must then carry it) or bind to 127.0.0.1",
            err=True,
        )
        raise typer.Exit(2)
    make_data_private(settings)
    from podium.error_tracking import start_error_tracking

    try:
        tracking = start_error_tracking(settings)
    except ValueError as exc:  # sentry_sdk's BadDsn
        typer.echo(f"podium: invalid settings: SENTRY_DSN: {exc}", err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per plugin, every start
    if tracking:
        logging.getLogger("podium").info("error tracking on: Podium's errors go to Sentry")
    from podium.db.backup import DatabaseInUse
    from podium.server import run_server

    try:
        asyncio.run(run_server(settings, demo_mode))
    except KeyboardInterrupt:
        pass
    except (OSError, DatabaseInUse) as exc:
        typer.echo(f"podium: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        if demo_mode is not None:
            demo_mode.stop()


@app.command()
def openapi() -> None:
    """Print the REST API's OpenAPI document (JSON), as `/api/openapi.json` serves it; the
    dashboard's typed client is generated from it (`make api-client`)."""
    import json

    from podium.app import create_app

    typer.echo(json.dumps(create_app(load_settings()).openapi(), indent=1))


@app.command()
def backup() -> None:
    """Back the database up now (safe while the server runs) into PODIUM_DATA_DIR/backups."""
    from podium.db.backup import BackupError, create_backup

    settings = load_settings()
    try:
        info = create_backup(settings.database_path, settings.backups_dir, settings.backup_keep)
    except (BackupError, OSError) as exc:
        typer.echo(f"podium: backup failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(info.path)


@app.command()
def restore(
    file: Annotated[str, typer.Argument(help="A backup file, or the name of one in backups/")],
) -> None:
    """Replace the database with a backup. The server must be stopped; the current database is
    backed up first."""
    from pathlib import Path

    from podium.db.backup import BackupError, restore_backup

    settings = load_settings()
    path = Path(file).expanduser()
    if not path.exists() and (settings.backups_dir / file).exists():
        path = settings.backups_dir / file
    try:
        before = restore_backup(path, settings.database_path, settings.backups_dir)
    except (BackupError, OSError) as exc:
        typer.echo(f"podium: {exc}", err=True)
        raise typer.Exit(1) from None
    if before is not None:
        typer.echo(f"the database as it was is kept in {before.path}")
    typer.echo(f"restored {settings.database_path} from {path}")


def main() -> None:
    app(prog_name="podium")


if __name__ == "__main__":  # pragma: no cover
    main()
