"""Guards for a local server that can run code.

- Host must name this server (stops DNS rebinding): a loopback name, the bind address, and for a
  wildcard bind this machine's own host names and interface addresses.
- A state-changing request or a WebSocket from a foreign Origin is refused: a page the user
  happens to open must not be able to start an agent.
- With AUTH_TOKEN set, every API and WebSocket call needs it (bearer header, or `token` query
  parameter for WebSockets and EventSource-like clients)."""

from __future__ import annotations

import hmac
import json
import socket
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

import psutil
from starlette.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


def _hostname(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.index("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def interface_addresses() -> set[str]:
    """This machine's interface addresses, as a Host header writes them."""
    names = set()
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET:
                names.add(address.address)
            elif address.family == socket.AF_INET6:
                names.add(f"[{address.address.split('%', 1)[0].lower()}]")
    return names


class HostNames:
    """The names a request's Host header may carry. For a wildcard bind: this machine's host
    names (read once; the FQDN may need DNS) and its interface addresses, read again when an
    unknown name arrives (addresses change). Any other name, such as an attacker's domain
    rebound to this machine, is refused."""

    def __init__(self, bind_host: str) -> None:
        self.wildcard = bind_host in WILDCARD_HOSTS
        self.known = set(LOOPBACK_NAMES) | {bind_host.lower()}
        if self.wildcard:
            hostname = socket.gethostname().lower()
            self.known |= {hostname, f"{hostname}.local", socket.getfqdn().lower()}
            self.known |= interface_addresses()

    def allows(self, host: str) -> bool:
        if host in self.known:
            return True
        if self.wildcard:
            self.known |= interface_addresses()
        return host in self.known


class RequestGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        bind_host: str,
        port: int,
        auth_token: str | None,
        protected_prefixes: Iterable[str] = ("/api", "/ws"),
        open_paths: Iterable[str] = ("/api/health",),
    ) -> None:
        self.app = app
        self.hosts = HostNames(bind_host)
        self.port = port
        self.auth_token = auth_token
        self.protected = tuple(protected_prefixes)
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        problem = self._check(scope, headers)
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, code, message = problem
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4403 if status == 403 else 4401})
            return
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _check(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str] | None:
        host = _hostname(headers.get("host", ""))
        if host and not self.hosts.allows(host):
            return 403, "forbidden_host", f"host {host!r} is not this server"
        method = scope.get("method", "GET")
        origin = headers.get("origin")
        changes_state = scope["type"] == "websocket" or method not in SAFE_METHODS
        if changes_state and origin and not self._own_origin(origin, headers.get("host", "")):
            return 403, "forbidden_origin", f"requests from origin {origin!r} are refused"
        if changes_state and headers.get("sec-fetch-site") == "cross-site":
            return 403, "forbidden_origin", "cross-site requests are refused"
        path: str = scope.get("path", "")
        needs_token = (
            self.auth_token and path.startswith(self.protected) and path not in self.open_paths
        )
        if needs_token and not self._authorised(scope, headers):
            return 401, "unauthorized", "a valid AUTH_TOKEN is required"
        return None

    def _own_origin(self, origin: str, host_header: str) -> bool:
        """The page must come from this server: same host:port as the request, or a loopback
        name on this server's port."""
        netloc = urlsplit(origin).netloc.lower()
        if netloc and netloc == host_header.strip().lower():
            return True
        parts = urlsplit(origin)
        return (parts.hostname or "") in {"127.0.0.1", "localhost", "::1"} and (
            parts.port == self.port
        )

    def _authorised(self, scope: Scope, headers: dict[str, str]) -> bool:
        assert self.auth_token is not None
        supplied = ""
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            supplied = authorization[7:].strip()
        if not supplied:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            supplied = (query.get("token") or [""])[0]
        return hmac.compare_digest(supplied.encode(), self.auth_token.encode())
