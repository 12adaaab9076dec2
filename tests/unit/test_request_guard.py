"""The request guard on its own: hosts, origins, tokens."""

from __future__ import annotations

import socket

from fastapi import FastAPI
from fastapi.testclient import TestClient

from podium.api.security import RequestGuard, interface_addresses


def client(**kwargs: object) -> TestClient:
    app = FastAPI()

    @app.get("/api/things")
    def things() -> list[str]:
        return []

    @app.post("/api/things")
    def make() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    options = {"bind_host": "127.0.0.1", "port": 3456, "auth_token": None} | kwargs
    app.add_middleware(RequestGuard, **options)  # type: ignore[arg-type]
    return TestClient(app, base_url="http://127.0.0.1:3456")


def test_origin_rules() -> None:
    c = client()
    assert c.post("/api/things").status_code == 200
    assert c.post("/api/things", headers={"Origin": "http://127.0.0.1:3456"}).status_code == 200
    assert c.post("/api/things", headers={"Origin": "http://localhost:3456"}).status_code == 200
    assert c.post("/api/things", headers={"Origin": "http://localhost:5173"}).status_code == 403
    assert c.post("/api/things", headers={"Origin": "https://evil.example"}).status_code == 403
    assert c.post("/api/things", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert c.get("/api/things", headers={"Origin": "https://evil.example"}).status_code == 200


def test_host_rules() -> None:
    assert client().get("/api/things", headers={"Host": "evil.example"}).status_code == 403


def test_host_rules_of_a_wildcard_bind() -> None:
    """Every interface: the machine's own names and addresses, never a rebound foreign name."""
    wide = client(bind_host="0.0.0.0")
    own = [socket.gethostname(), "127.0.0.1", "localhost", *sorted(interface_addresses())]
    for name in own:
        assert wide.get("/api/things", headers={"Host": f"{name}:3456"}).status_code == 200, name
    for name in ("evil.example", "my-box.attacker.example:3456", "1.2.3.4:3456"):
        assert wide.get("/api/things", headers={"Host": name}).status_code == 403, name


def test_token_rules() -> None:
    c = client(auth_token="tok")
    assert c.get("/api/health").status_code == 200
    assert c.get("/api/things").status_code == 401
    assert c.get("/api/things", headers={"Authorization": "Bearer tok"}).status_code == 200
    assert c.get("/api/things?token=tok").status_code == 200
    assert c.get("/api/things?token=nope").status_code == 401
