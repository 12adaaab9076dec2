"""Starts the real `podium serve` the way a user does, on free ports, with its own data dir."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
PODIUM_BIN = Path(sys.executable).with_name("podium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def agent_env(home: Path, anthropic_url: str | None) -> dict[str, str]:
    """The environment agents inherit: isolated HOME, scripted model, no other traffic."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANTHROPIC_", "CLAUDE", "OPENAI_", "CODEX_"))
    }
    env.update(
        HOME=str(home),
        ANTHROPIC_API_KEY="sk-ant-test-podium-0000000000000000",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        DISABLE_AUTOUPDATER="1",
        DISABLE_TELEMETRY="1",
        IS_SANDBOX="1",
        NO_PROXY="127.0.0.1,localhost",
        OPENAI_API_KEY="sk-test-podium",
    )
    if anthropic_url:
        env["ANTHROPIC_BASE_URL"] = anthropic_url
    return env


class PortTaken(RuntimeError):
    pass


class PodiumServer:
    """One `podium serve` process. `kill()` is kill -9; `start()` again reuses the data dir."""

    def __init__(
        self, data_dir: Path, env: dict[str, str], cwd: Path, serve_args: tuple[str, ...] = ()
    ) -> None:
        self.data_dir = data_dir
        self.serve_args = serve_args  # extra `podium serve` options, e.g. ("--demo",)
        self.env = dict(env)
        self.cwd = cwd
        self.port = free_port()
        self.mcp_port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"
        self.startup_seconds = 0.0
        self.started_once = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 60) -> PodiumServer:
        """Start and wait until healthy. A first start whose ports were taken meanwhile (tests
        run in parallel) tries fresh ports; a restart keeps its ports, as agents know them."""
        for attempt in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                if self.started_once or attempt == 2:
                    raise
                self.port, self.mcp_port = free_port(), free_port()
        raise AssertionError("unreachable")

    def _start(self, timeout: float) -> PodiumServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = self.env | {
            "PORT": str(self.port),
            "MCP_PORT": str(self.mcp_port),
            "PODIUM_DATA_DIR": str(self.data_dir),
        }
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [str(PODIUM_BIN), "serve", *self.serve_args],
            cwd=self.cwd,
            env=env,
            stdout=log,
            stderr=log,
        )
        began = time.monotonic()
        deadline = began + timeout
        with httpx.Client(timeout=1) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    log = self.log_text()
                    if "cannot listen on" in log:
                        raise PortTaken(log)
                    raise RuntimeError(f"podium serve exited early:\n{log}")
                try:
                    if client.get(f"{self.url}/api/health").status_code == 200:
                        self.startup_seconds = time.monotonic() - began
                        self.started_once = True
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)
        raise RuntimeError(f"podium serve did not become healthy:\n{self.log_text()}")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def kill(self) -> None:
        """kill -9, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def wait_until(
    check: Callable[[], Any], *, timeout: float = 60, interval: float = 0.1, what: str = ""
) -> Any:
    """Test-side wait for an observable outcome (the product itself never polls)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what or check}: last={last!r}")


def init_git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git = ["git", "-c", "user.name=Podium Test", "-c", "user.email=test@podium.invalid"]
    subprocess.run([*git[:1], "init", "-q", "-b", "main", str(path)], check=True)
    (path / "README.md").write_text("# test repo\n")
    subprocess.run([*git, "-C", str(path), "add", "."], check=True)
    subprocess.run([*git, "-C", str(path), "commit", "-qm", "init"], check=True)
    return path


def serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `podium serve` until it exits on its own (it must, quickly, for bad settings)."""
    full_env = {
        **os.environ,
        "PODIUM_DATA_DIR": str(tmp_path / "data"),
        "PORT": str(free_port()),
        "MCP_PORT": str(free_port()),
        **env,
    }
    return subprocess.run(
        [str(PODIUM_BIN), "serve"],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
