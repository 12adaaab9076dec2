"""The one Settings object: every environment variable Podium reads is declared here."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_bin(name: str) -> str:
    """Prefer the CLI pinned in the project's node_modules, then PATH, then the bare name."""
    pinned = PROJECT_ROOT / "node_modules" / ".bin" / name
    if pinned.exists():
        return str(pinned)
    return shutil.which(name) or name


_NAMED_DB = re.compile(r"^QUERY_DB_(?P<name>[A-Z0-9_]+)_URL$", re.IGNORECASE)


def _named_query_databases() -> dict[str, str]:
    """QUERY_DB_<NAME>_URL variables, keyed by lower-case name: a set whose names are open."""
    found: dict[str, str] = {}
    for key, value in os.environ.items():
        match = _NAMED_DB.match(key)
        if match and value:
            found[match["name"].lower()] = value
    return found


class Settings(BaseSettings):
    """Names and defaults follow the spec so its examples work unchanged."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    host: str = Field("127.0.0.1", alias="HOST")
    port: int = Field(3456, alias="PORT", ge=0, le=65535)
    mcp_port: int = Field(3947, alias="MCP_PORT", ge=0, le=65535)
    data_dir: Path = Field(Path("data"), alias="PODIUM_DATA_DIR")
    db_path: Path | None = Field(None, alias="DB_PATH")
    claude_bin: str = Field(default_factory=lambda: _default_bin("claude"), alias="CLAUDE_BIN")
    codex_bin: str = Field(default_factory=lambda: _default_bin("codex"), alias="CODEX_BIN")
    # The model Podium's `codex` model id runs. codex-cli 0.169's own default model is sent no
    # tools at all through a custom provider (OPENAI_BASE_URL); empty leaves the CLI's default.
    codex_default_model: str | None = Field("gpt-5.3-codex", alias="PODIUM_CODEX_DEFAULT_MODEL")
    anthropic_api_key: str | None = Field(None, alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(None, alias="ANTHROPIC_BASE_URL")
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    sentry_dsn: str | None = Field(None, alias="SENTRY_DSN")
    auth_token: str | None = Field(None, alias="AUTH_TOKEN")
    api_url: str | None = Field(None, alias="ORCHESTRATOR_API_URL")
    max_concurrent_agents: int = Field(20, alias="MAX_CONCURRENT_AGENTS", ge=1, le=1000)
    lock_ttl_sec: int = Field(600, alias="LOCK_TTL_SEC", ge=1)
    # A blocking MCP tool (ask_user, lock_files, watch_notes, wait_for_jobs) sends a progress
    # notification this often while it waits, well inside Claude Code's 300 s idle limit.
    mcp_heartbeat_sec: float = Field(30.0, alias="PODIUM_MCP_HEARTBEAT_SEC", gt=0, le=240)
    # The lock hook blocks an edit when it gets no answer from Podium, unless this is set.
    lock_fail_open: bool = Field(False, alias="PODIUM_LOCK_FAIL_OPEN")
    kill_grace_sec: float = Field(5.0, alias="KILL_GRACE_SEC", gt=0)
    # Health warnings on running agents (the spec's 10 minutes of silence, 60 minutes running).
    stall_warning_sec: float = Field(600, alias="PODIUM_STALL_WARNING_SEC", gt=0)
    long_running_warning_sec: float = Field(3600, alias="PODIUM_LONG_RUNNING_WARNING_SEC", gt=0)
    # The cheap model of Podium's own calls: picking a job's model, diagnosing a failed job.
    helper_model: str = Field("claude-haiku-4-5", alias="PODIUM_HELPER_MODEL", min_length=1)
    # A job created without a model gets one picked for its task (needs ANTHROPIC_API_KEY).
    auto_model: bool = Field(True, alias="PODIUM_AUTO_MODEL")

    # Integrations: MCP tools every agent gets, each off (a clear tool error) until configured.
    linear_api_key: str | None = Field(None, alias="LINEAR_API_KEY")
    linear_api_url: str = Field("https://api.linear.app/graphql", alias="LINEAR_API_URL")
    opensearch_url: str | None = Field(None, alias="OPENSEARCH_URL")
    opensearch_username: str | None = Field(None, alias="OPENSEARCH_USERNAME")
    opensearch_password: str | None = Field(None, alias="OPENSEARCH_PASSWORD")
    opensearch_index: str = Field("*", alias="OPENSEARCH_INDEX", min_length=1)
    opensearch_time_field: str = Field("@timestamp", alias="OPENSEARCH_TIME_FIELD", min_length=1)
    # Set, requests are signed with AWS SigV4 from the standard AWS credential chain.
    opensearch_aws_region: str | None = Field(None, alias="OPENSEARCH_AWS_REGION")
    opensearch_aws_service: str = Field("es", alias="OPENSEARCH_AWS_SERVICE", min_length=1)
    query_db_url: str | None = Field(None, alias="QUERY_DB_URL")
    query_db_urls: dict[str, str] = Field(default_factory=_named_query_databases)
    query_db_timeout_ms: int = Field(10_000, alias="QUERY_DB_TIMEOUT_MS", ge=1)
    query_db_max_rows: int = Field(200, alias="QUERY_DB_MAX_ROWS", ge=1, le=100_000)
    gh_bin: str | None = Field(None, alias="GH_BIN")
    github_token: str | None = Field(None, alias="GITHUB_TOKEN")
    github_api_url: str = Field("https://api.github.com", alias="GITHUB_API_URL")
    github_repo: str | None = Field(None, alias="GITHUB_REPO")
    # Every integration call: seconds per network call, characters per tool result.
    integration_timeout_sec: float = Field(30.0, alias="PODIUM_INTEGRATION_TIMEOUT_SEC", gt=0)
    integration_max_chars: int = Field(
        60_000, alias="PODIUM_INTEGRATION_MAX_CHARS", ge=1000, le=10_000_000
    )
    # Online database backups (podium.db.backup): every 6 hours, the newest 7 kept; 0 turns the
    # schedule off (`podium backup` and POST /api/backups still work).
    backup_interval_sec: float = Field(6 * 3600, alias="PODIUM_BACKUP_INTERVAL_SEC", ge=0)
    backup_keep: int = Field(7, alias="PODIUM_BACKUP_KEEP", ge=1, le=10_000)

    # How long a provider is held after a usage/rate limit that did not say when it resets
    # (doubling with each pause of the same job, at most an hour; podium.jobs.limits).
    limit_pause_sec: float = Field(60, alias="PODIUM_LIMIT_PAUSE_SEC", gt=0, le=86400)

    @field_validator("db_path", "data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @property
    def database_path(self) -> Path:
        return self.db_path if self.db_path is not None else self.data_dir / "orchestrator.db"

    @property
    def agent_logs_dir(self) -> Path:
        return self.data_dir / "agent-logs"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database_path.resolve()}"

    @property
    def base_url(self) -> str:
        """The URL agents and the lock hook use to reach the REST API."""
        if self.api_url:
            return self.api_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def mcp_base_url(self) -> str:
        """Where agents reach the MCP server (and the lock hook endpoint beside it)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.mcp_port}"
