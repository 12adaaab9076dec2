"""Process identity and the exit-status shim, with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from podium.agents.process import AgentFiles, is_same_process, process_start_time, spawn


def test_start_time_identifies_a_process() -> None:
    me = process_start_time(os.getpid())
    assert me is not None and is_same_process(os.getpid(), me)
    assert not is_same_process(os.getpid(), me + 1)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert process_start_time(child.pid) is None


def test_shim_records_exit_status_and_output(tmp_path: Path) -> None:
    files = AgentFiles.for_agent(tmp_path, "ag_test")
    files.prompt.write_text("from stdin\n")
    script = "import sys; print(sys.stdin.read().strip()); sys.exit(3)"
    child = spawn([sys.executable, "-c", script], cwd=tmp_path, env=dict(os.environ), files=files)
    assert child.wait(10) == 3
    assert files.read_exit_code() == 3
    assert files.log.read_text() == "from stdin\n"


def test_shim_keeps_the_code_when_terminated(tmp_path: Path) -> None:
    files = AgentFiles.for_agent(tmp_path, "ag_term")
    files.prompt.write_text("")
    child = spawn(["sleep", "30"], cwd=tmp_path, env=dict(os.environ), files=files)
    time.sleep(0.2)
    os.killpg(child.pid, 15)
    child.wait(10)
    assert files.read_exit_code() == 143, "sleep died of SIGTERM; the shim wrote 128+15"
