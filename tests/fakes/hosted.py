"""Local stand-ins for the hosted services Podium's integration tools call (Linear's GraphQL
API, OpenSearch's search API, GitHub's REST API), speaking their request and response shapes so
the real clients (httpx, opensearch-py) are what talks to them. Each records what it received."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, dict[str, str], bytes]


def json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json"} | (headers or {}), json.dumps(body).encode()


class FakeHttpService:
    """A threaded HTTP server on a free port; `handle` answers each request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                request = {
                    "method": self.command,
                    "path": url.path,
                    "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }
                service.requests.append(request)
                status, headers, payload = service.handle(request)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def handle(self, request: dict[str, Any]) -> Reply:
        raise NotImplementedError

    def __enter__(self) -> FakeHttpService:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeLinear(FakeHttpService):
    """POST /graphql with the API key as Authorization; answers `issue(id:)` queries from
    `issues`, and a GraphQL validation error for fields Linear's schema lacks."""

    KNOWN_FIELDS = {"issue", "id", "identifier", "title", "state", "name", "priority"}

    def __init__(self, api_key: str, issues: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self.api_key = api_key
        self.issues = issues

    def handle(self, request: dict[str, Any]) -> Reply:
        if request["method"] != "POST" or request["path"] != "/graphql":
            return json_reply(404, {"errors": [{"message": "Not found"}]})
        if request["headers"].get("authorization") != self.api_key:
            error = {
                "message": "Authentication required, not authenticated",
                "extensions": {"type": "authentication error", "code": "AUTHENTICATION_ERROR"},
            }
            return json_reply(400, {"errors": [error]})
        payload = json.loads(request["body"])
        query, variables = payload["query"], payload.get("variables") or {}
        selection = query[query.index("{") :]
        for field in re.findall(r"[A-Za-z_]\w*", re.sub(r"\(.*?\)", "", selection)):
            if field not in self.KNOWN_FIELDS:
                error = {
                    "message": f'Cannot query field "{field}" on type "Issue".',
                    "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
                }
                return json_reply(400, {"errors": [error]})
        issue = self.issues.get(str(variables.get("id")))
        if issue is None:
            error = {"message": "Entity not found: Issue", "path": ["issue"]}
            return json_reply(200, {"data": None, "errors": [error]})
        return json_reply(200, {"data": {"issue": issue}})


class FakeOpenSearch(FakeHttpService):
    """POST /<index>/_search over `docs` (index -> documents): query_string terms must all
    appear in the document, a range on @timestamp, newest first, `size` hits."""

    def __init__(self, docs: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__()
        self.docs = docs

    def handle(self, request: dict[str, Any]) -> Reply:
        match = re.fullmatch(r"/([^/]+)/_search", request["path"])
        if request["method"] not in ("POST", "GET") or not match:
            return json_reply(400, {"error": "no handler", "status": 400})
        index = match[1]
        names = [n for n in self.docs if re.fullmatch(index.replace("*", ".*"), n)]
        if not names:
            reason = f"no such index [{index}]"
            cause = {"type": "index_not_found_exception", "reason": reason, "index": index}
            error = {"root_cause": [cause], **cause}
            return json_reply(404, {"error": error, "status": 404})
        body = json.loads(request["body"] or b"{}")
        clauses = body["query"]["bool"]
        terms = clauses["must"][0]["query_string"]["query"].replace(" AND ", " ").split()
        bounds = next((f["range"]["@timestamp"] for f in clauses["filter"]), {})
        hits = [
            {"_index": name, "_id": f"{name}-{i}", "_score": None, "_source": doc}
            for name in names
            for i, doc in enumerate(self.docs[name])
            if all(t == "*" or t.lower() in json.dumps(doc).lower() for t in terms)
            and bounds.get("gte", "") <= doc["@timestamp"] <= bounds.get("lte", "~")
        ]
        hits.sort(key=lambda hit: hit["_source"]["@timestamp"], reverse=True)
        return json_reply(
            200,
            {
                "took": 1,
                "timed_out": False,
                "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                "hits": {
                    "total": {"value": len(hits), "relation": "eq"},
                    "max_score": None,
                    "hits": hits[: body.get("size", 10)],
                },
            },
        )


class FakeGitHub(FakeHttpService):
    """GitHub's REST API for Actions: pulls, workflow runs (filtered by branch/head_sha), a run's
    jobs, and job logs answered with a redirect to another origin, as GitHub does."""

    def __init__(
        self,
        token: str,
        repo: str,
        runs: list[dict[str, Any]],
        jobs: dict[int, list[dict[str, Any]]],
        logs: dict[int, str],
        pulls: dict[int, dict[str, Any]],
    ) -> None:
        super().__init__()
        self.token, self.repo = token, repo
        self.runs, self.jobs, self.logs, self.pulls = runs, jobs, logs, pulls
        # "localhost" is another origin than 127.0.0.1: clients must not send the token there.
        self.storage_url = f"http://localhost:{self.port}"
        self.check_runs: dict[str, list[dict[str, Any]]] = {}  # by head sha
        self.reviews: dict[int, list[dict[str, Any]]] = {}
        self.routes: list[tuple[str, Callable[..., Reply]]] = [
            (rf"/repos/{repo}/pulls", self._pulls),
            (rf"/repos/{repo}/pulls/(\d+)", self._pull),
            (rf"/repos/{repo}/pulls/(\d+)/reviews", self._reviews),
            (rf"/repos/{repo}/commits/([0-9a-zA-Z_./-]+)/check-runs", self._check_runs),
            (rf"/repos/{repo}/actions/runs", self._runs),
            (rf"/repos/{repo}/actions/runs/(\d+)", self._run),
            (rf"/repos/{repo}/actions/runs/(\d+)/jobs", self._jobs),
            (rf"/repos/{repo}/actions/jobs/(\d+)/logs", self._log_redirect),
        ]

    def handle(self, request: dict[str, Any]) -> Reply:
        if request["path"].startswith("/_storage/logs/"):
            job_id = int(request["path"].rsplit("/", 1)[1])
            return 200, {"Content-Type": "text/plain"}, self.logs[job_id].encode()
        if request["headers"].get("authorization") != f"Bearer {self.token}":
            docs = "https://docs.github.com/rest"
            return json_reply(401, {"message": "Bad credentials", "documentation_url": docs})
        for pattern, route in self.routes:
            found = re.fullmatch(pattern, request["path"])
            if found:
                return route(request, *(int(g) if g.isdigit() else g for g in found.groups()))
        return json_reply(404, {"message": "Not Found"})

    def _pulls(self, request: dict[str, Any]) -> Reply:
        """List (filtered by `head` = owner:branch and `state`) or create a pull request."""
        if request["method"] == "POST":
            body = json.loads(request["body"] or b"{}")
            head, title = body.get("head"), body.get("title")
            if not head or not title:
                return json_reply(422, {"message": "Validation Failed"})
            open_heads = {p["head"]["ref"] for p in self.pulls.values() if p.get("state") == "open"}
            if head in open_heads:
                message = f"A pull request already exists for {self.repo.split('/')[0]}:{head}."
                return json_reply(422, {"message": "Validation Failed", "errors": [message]})
            return json_reply(201, self.add_pull(head, title, body.get("body") or "", body))
        query = request["query"]
        head = query.get("head", "").partition(":")[2] or query.get("head")
        state = query.get("state", "open")
        found = [
            p
            for p in self.pulls.values()
            if (not head or p["head"]["ref"] == head) and state in ("all", p.get("state", "open"))
        ]
        return json_reply(200, found)

    def add_pull(
        self, branch: str, title: str, body: str, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Store a new open pull request for `branch`, as GitHub's REST API returns it."""
        number = max(self.pulls, default=0) + 1
        pull = {
            "number": number,
            "state": "open",
            "title": title,
            "body": body,
            "merged": False,
            "merged_at": None,
            "html_url": f"https://github.com/{self.repo}/pull/{number}",
            "head": {"ref": branch, "sha": f"c0ffee{number:034x}"},
            "base": {"ref": (extra or {}).get("base") or "main"},
        }
        self.pulls[number] = pull
        return pull

    def _pull(self, request: dict[str, Any], number: int) -> Reply:
        pull = self.pulls.get(number)
        return json_reply(200, pull) if pull else json_reply(404, {"message": "Not Found"})

    def _reviews(self, request: dict[str, Any], number: int) -> Reply:
        if number not in self.pulls:
            return json_reply(404, {"message": "Not Found"})
        if request["method"] == "POST":
            body = json.loads(request["body"] or b"{}")
            review = {"id": 7000 + sum(map(len, self.reviews.values())), **body}
            self.reviews.setdefault(number, []).append(review)
            return json_reply(200, review)
        return json_reply(200, self.reviews.get(number, []))

    def _check_runs(self, request: dict[str, Any], ref: str) -> Reply:
        runs = self.check_runs.get(ref, [])
        return json_reply(200, {"total_count": len(runs), "check_runs": runs})

    def _runs(self, request: dict[str, Any]) -> Reply:
        query = request["query"]
        runs = [
            run
            for run in self.runs
            if query.get("branch", run["head_branch"]) == run["head_branch"]
            and query.get("head_sha", run["head_sha"]) == run["head_sha"]
        ][: int(query.get("per_page", 30))]
        return json_reply(200, {"total_count": len(runs), "workflow_runs": runs})

    def _run(self, request: dict[str, Any], run_id: int) -> Reply:
        run = next((r for r in self.runs if r["id"] == run_id), None)
        return json_reply(200, run) if run else json_reply(404, {"message": "Not Found"})

    def _jobs(self, request: dict[str, Any], run_id: int) -> Reply:
        jobs = self.jobs.get(run_id, [])
        return json_reply(200, {"total_count": len(jobs), "jobs": jobs})

    def _log_redirect(self, request: dict[str, Any], job_id: int) -> Reply:
        location = f"{self.storage_url}/_storage/logs/{job_id}"
        return 302, {"Location": location}, b""
