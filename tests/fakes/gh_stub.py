"""A stand-in for the `gh` CLI's `gh api` command: the same GET against a (fake) GitHub REST API,
printing the body like gh does. `write_gh_stub` makes an executable to use as GH_BIN."""

from __future__ import annotations

import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


def write_gh_stub(directory: Path, api_url: str, token: str) -> Path:
    path = directory / "gh"
    path.write_text(
        f'#!/bin/sh\nexec {sys.executable} {Path(__file__).resolve()} {api_url} {token} "$@"\n'
    )
    path.chmod(0o755)
    return path


def main(argv: list[str]) -> int:
    api_url, token, command, *args = argv
    if command != "api":
        print(f"unknown command {command!r}", file=sys.stderr)
        return 1
    params: dict[str, str] = {}
    endpoint = ""
    while args:
        arg = args.pop(0)
        if arg in ("--method", "-X"):
            if args.pop(0) != "GET":
                print("only GET is supported here", file=sys.stderr)
                return 1
        elif arg in ("-f", "--raw-field"):
            key, _, value = args.pop(0).partition("=")
            params[key] = value
        else:
            endpoint = arg
    url = f"{api_url}/{endpoint.lstrip('/')}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            sys.stdout.buffer.write(response.read())
    except urllib.error.HTTPError as exc:
        print(f"gh: {exc.reason} (HTTP {exc.code})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
