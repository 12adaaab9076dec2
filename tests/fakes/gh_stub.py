"""A stand-in for the `gh` CLI that talks to a (fake) GitHub REST API the way gh does:

- `gh api [--method M] ENDPOINT [-f k=v] [-F k=v] [--input FILE|-]` prints the response body;
- `gh pr create --head B --title T (--body S | --body-file F|-) [--base B]` prints the new PR's
  URL, or fails like gh when one already exists for the branch (printing its URL);
- `gh pr view (N|URL|BRANCH) --json fields` prints gh's JSON shape (`state` OPEN/MERGED/CLOSED,
  `url`, `number`, `title`, `headRefName`, `mergedAt`, `statusCheckRollup`).

The repository comes from `GH_REPO` (as with gh) or the one given to `write_gh_stub`. Every call's
argv is appended as a JSON line to `calls.jsonl` beside the stub, so tests can see what ran."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any


def write_gh_stub(directory: Path, api_url: str, token: str, repo: str = "") -> Path:
    """An executable `gh` in `directory` (use it as GH_BIN, or put the directory on PATH)."""
    path = directory / "gh"
    path.write_text(
        f"#!/bin/sh\nGH_STUB_DIR={directory.resolve()} exec {sys.executable} "
        f'{Path(__file__).resolve()} {api_url} {token} "{repo}" "$@"\n'
    )
    path.chmod(0o755)
    return path


def recorded_calls(stub: Path) -> list[list[str]]:
    """The argv of every call the stub at `stub` received, oldest first."""
    log = stub.parent / "calls.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line]


class GhError(Exception):
    pass


class _Api:
    def __init__(self, api_url: str, token: str) -> None:
        self.api_url, self.token = api_url, token

    def call(self, method: str, endpoint: str, body: Any = None) -> Any:
        url = f"{self.api_url}/{endpoint.lstrip('/')}"
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise GhError(f"gh: {exc.reason} (HTTP {exc.code})\n{detail}") from exc
        return json.loads(raw) if raw else None


def _api(api: _Api, args: list[str]) -> int:
    method, endpoint, fields, raw_body = "GET", "", {}, None
    typed: dict[str, Any] = {}
    while args:
        arg = args.pop(0)
        if arg in ("--method", "-X"):
            method = args.pop(0).upper()
        elif arg in ("-f", "--raw-field"):
            key, _, value = args.pop(0).partition("=")
            fields[key] = value
        elif arg in ("-F", "--field"):
            key, _, value = args.pop(0).partition("=")
            typed[key] = json.loads(value) if value in ("true", "false", "null") else value
            if value.isdigit():
                typed[key] = int(value)
        elif arg == "--input":
            source = args.pop(0)
            raw_body = sys.stdin.read() if source == "-" else Path(source).read_text()
        elif arg in ("-H", "--header"):
            args.pop(0)
        else:
            endpoint = arg
    if method == "GET" and (fields or typed):
        endpoint += "?" + urllib.parse.urlencode({**fields, **typed})
        body = None
    elif raw_body is not None:
        body = json.loads(raw_body)
    else:
        body = {**fields, **typed} if fields or typed else None
        if body is not None and method == "GET":
            method = "POST"  # gh switches to POST when fields are given
    reply = api.call(method, endpoint, body)
    if reply is not None:
        sys.stdout.write(json.dumps(reply))
    return 0


def _options(args: list[str]) -> tuple[dict[str, str], list[str]]:
    options: dict[str, str] = {}
    positional: list[str] = []
    while args:
        arg = args.pop(0)
        if arg.startswith("--") and args and not args[0].startswith("--"):
            options[arg[2:]] = args.pop(0)
        elif arg.startswith("--"):
            options[arg[2:]] = ""
        else:
            positional.append(arg)
    return options, positional


def _pr_create(api: _Api, repo: str, args: list[str]) -> int:
    options, _ = _options(args)
    body = options.get("body", "")
    if "body-file" in options:
        source = options["body-file"]
        body = sys.stdin.read() if source == "-" else Path(source).read_text()
    head = options.get("head", "")
    payload = {"title": options.get("title", ""), "head": head, "body": body}
    if options.get("base"):
        payload["base"] = options["base"]
    try:
        pull = api.call("POST", f"repos/{repo}/pulls", payload)
    except GhError as exc:
        if "already exists" not in str(exc):
            raise
        existing = api.call("GET", f"repos/{repo}/pulls?head={repo.split('/')[0]}:{head}")
        url = existing[0]["html_url"] if existing else ""
        print(f'a pull request for branch "{head}" into branch "main" already exists:\n{url}')
        return 1
    print(pull["html_url"])
    return 0


def _pr_view(api: _Api, repo: str, args: list[str]) -> int:
    options, positional = _options(args)
    target = positional[0] if positional else ""
    if target.rstrip("/").rsplit("/", 1)[-1].isdigit():
        pull = api.call("GET", f"repos/{repo}/pulls/{target.rstrip('/').rsplit('/', 1)[-1]}")
    else:
        found = api.call("GET", f"repos/{repo}/pulls?state=all&head={repo.split('/')[0]}:{target}")
        if not found:
            raise GhError(f'no pull requests found for branch "{target}"')
        pull = found[0]
    checks = api.call("GET", f"repos/{repo}/commits/{pull['head']['sha']}/check-runs")
    merged = bool(pull.get("merged") or pull.get("merged_at"))
    state = "MERGED" if merged else str(pull.get("state", "open")).upper()
    view = {
        "number": pull["number"],
        "url": pull.get("html_url", ""),
        "title": pull.get("title", ""),
        "state": state,
        "headRefName": pull["head"]["ref"],
        "mergedAt": pull.get("merged_at"),
        "statusCheckRollup": [
            {
                "__typename": "CheckRun",
                "name": run.get("name", ""),
                "status": str(run.get("status", "completed")).upper(),
                "conclusion": str(run.get("conclusion") or "").upper(),
            }
            for run in checks.get("check_runs", [])
        ],
    }
    wanted = [f for f in options.get("json", "").split(",") if f]
    sys.stdout.write(json.dumps({k: v for k, v in view.items() if not wanted or k in wanted}))
    return 0


def main(argv: list[str]) -> int:
    api_url, token, stub_repo, *args = argv
    if os.environ.get("GH_STUB_DIR"):
        with (Path(os.environ["GH_STUB_DIR"]) / "calls.jsonl").open("a") as log:
            log.write(json.dumps(args) + "\n")
    repo = os.environ.get("GH_REPO") or stub_repo
    api = _Api(api_url, token)
    try:
        if args[:1] == ["api"]:
            return _api(api, args[1:])
        if args[:2] == ["pr", "create"]:
            return _pr_create(api, repo, args[2:])
        if args[:2] == ["pr", "view"]:
            return _pr_view(api, repo, args[2:])
    except GhError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"unknown command {' '.join(args[:2])!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
