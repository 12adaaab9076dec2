"""Schemathesis against the real `podium serve`: every operation of `/api/openapi.json` gets
generated valid and invalid requests (schema examples, boundary values such as NUL bytes and
integers past 2^63, random data, and chains of calls that reuse created ids). No answer may be a
server error and every answer must match its documented schema. Bounded (examples per
operation, a fixed seed) so it takes a couple of minutes on a loaded machine. No agent ever
starts: the CLIs point at files that do not exist, so a job the fuzzer creates fails at launch."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.podium_process import REPO_ROOT, PodiumServer, init_git_repo

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = os.environ.get("PODIUM_FUZZ_EXAMPLES", "25")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PodiumServer]:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    repo = init_git_repo(tmp_path / "repo")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "CLAUDE_BIN": str(tmp_path / "no-claude"),
        "CODEX_BIN": str(tmp_path / "no-codex"),
        "PODIUM_AUTO_MODEL": "false",
    }
    podium = PodiumServer(tmp_path / "data", env, cwd=repo).start()
    try:
        yield podium
    finally:
        podium.stop()


@pytest.mark.timeout(600)
def test_no_server_errors_and_responses_match_schema(server: PodiumServer, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{server.url}/api/openapi.json",
            "--checks=not_a_server_error,response_schema_conformance",
            f"--max-examples={EXAMPLES}",
            "--seed=20261203",
            "--generation-database=none",
            "--workers=1",
            "--request-timeout=30",
            "--no-color",
        ],
        cwd=tmp_path,
        env=os.environ
        | {"SCHEMATHESIS_HOOKS": "tests.support.fuzz_hooks", "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, f"{report}\n--- server log ---\n{server.log_text()}"
    assert "Tested:" in report and "Coverage" in report and "Fuzzing" in report, report
    assert server.proc is not None and server.proc.poll() is None, "the server is still up"


# Requests the fuzzer found answered with 500 (or a dropped connection); each is a 422 now.
FOUND = [
    ("GET", "/api/search", {"params": {"q": "agent\x00output"}}, 200),
    ("GET", "/api/jobs", {"params": {"offset": str(2**64)}}, 422),
    ("GET", "/api/agents", {"params": {"offset": str(2**63)}}, 422),
    ("GET", "/api/agents/agt_x/output", {"params": {"after": str(2**64)}}, 422),
    ("POST", "/api/jobs", {"json": {"description": "x", "repeatIntervalSec": 2**70}}, 422),
    (
        "POST",
        "/api/jobs",
        {"json": {"description": "x", "dependsOn": [f"job_{i}" for i in range(40_000)]}},
        422,
    ),
    ("POST", "/api/jobs", {"json": {"description": "x", "dependsOn": ["j" * 5000]}}, 422),
    ("POST", "/api/jobs", {"json": {"description": "x", "context": {"k": "v" * 200_000}}}, 422),
    ("POST", "/api/locks", {"json": {"files": ["a"] * 5000}}, 422),
    ("GET", "/api/notes", {"params": {"prefix": "k" * 1000}}, 422),
]
NON_FINITE = [
    b'{"description": "x", "stopMode": "time", "stopValue": NaN}',
    b'{"description": "x", "stopMode": "budget", "stopValue": Infinity}',
    b'{"description": "x", "context": {"ratio": -Infinity}}',
]


@pytest.mark.parametrize(("method", "path", "request_args", "expected"), FOUND)
def test_inputs_the_fuzzer_found(
    server: PodiumServer, method: str, path: str, request_args: dict[str, Any], expected: int
) -> None:
    with server.client() as api:
        response = api.request(method, path, **request_args)
    assert response.status_code == expected, response.text
    if expected == 422:
        assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("body", NON_FINITE)
def test_non_finite_numbers_are_refused(server: PodiumServer, body: bytes) -> None:
    with server.client() as api:
        response = api.post("/api/jobs", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text
        assert "not allowed in JSON" in response.json()["error"]["message"]
        jobs = api.get("/api/jobs", params={"archived": "all"}).json()
    assert all(job["stopValue"] is None or job["stopValue"] < 1e9 for job in jobs)


def test_patch_fields_that_cannot_be_null(server: PodiumServer) -> None:
    with server.client() as api:
        job = api.post("/api/jobs", json={"description": "patched"}).json()
        for field in ("flagged", "archived", "priority", "title"):
            response = api.patch(f"/api/jobs/{job['id']}", json={field: None})
            assert response.status_code == 422, (field, response.text)
            assert response.json()["error"]["field"] == field
        assert api.patch(f"/api/jobs/{job['id']}", json={"projectId": None}).status_code == 200
        template = api.post("/api/templates", json={"name": "t", "content": "c"}).json()
        response = api.patch(f"/api/templates/{template['id']}", json={"name": None})
        assert response.status_code == 422, response.text
