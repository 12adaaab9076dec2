"""The first process in an interactive agent's tmux pane: reads its launch file (argv and
environment, mode 0600, deleted once read, so the agent's credential never appears on a command
line or in tmux's environment), then becomes the same exit-status shim batch agents run under.
Its pid is the pane's pid, which Podium records with its start time like any agent's."""

from __future__ import annotations

import json
import os
import sys

from podium.agents.process import _SHIM


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        spec = json.load(handle)
    os.unlink(path)
    argv = [str(arg) for arg in spec["argv"]]
    env = {str(k): str(v) for k, v in spec["env"].items()}
    os.execve("/bin/sh", ["/bin/sh", "-c", _SHIM, "podium-agent", *argv], env)


if __name__ == "__main__":
    main(sys.argv[1])
