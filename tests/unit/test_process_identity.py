"""Process identity and the exit-status shim, with real processes."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from podium.agents.process import (
    AgentFiles,
    is_same_process,
    process_start_time,
    signal_group,
    spawn,
)


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


def test_signal_group_checks_the_leaders_identity(tmp_path: Path) -> None:
    """A pid whose start time is not the recorded one names another process now (the pid was
    reused): its group is left alone. The recorded one is signalled, whole group."""
    files = AgentFiles.for_agent(tmp_path, "ag_group")
    files.prompt.write_text("")
    child = spawn(["sleep", "30"], cwd=tmp_path, env=dict(os.environ), files=files)
    try:
        started = process_start_time(child.pid)
        assert started is not None
        assert not signal_group(child.pid, started - 1, signal.SIGKILL), "not the same leader"
        assert not signal_group(child.pid, None, signal.SIGKILL), "a leader of unknown start"
        assert child.poll() is None and is_same_process(child.pid, started), "left alone"
        assert signal_group(child.pid, started, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL, "the recorded leader's group got it"
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(10)


def test_signal_group_reaches_what_outlives_its_leader(tmp_path: Path) -> None:
    """After the leader has ended (and was reaped) the group's lingering members are still
    signalled: no new process can have the leader's pid while the group holds it as its id."""
    files = AgentFiles.for_agent(tmp_path, "ag_linger")
    files.prompt.write_text("")
    script = "sleep 30 & echo $!"
    child = spawn(["sh", "-c", script], cwd=tmp_path, env=dict(os.environ), files=files)
    started = process_start_time(child.pid)
    assert child.wait(10) == 0
    lingering = int(files.log.read_text().strip())
    lingering_started = process_start_time(lingering)
    assert lingering_started is not None and os.getpgid(lingering) == child.pid
    exited = os.pidfd_open(lingering)  # readable once the straggler has ended
    try:
        assert signal_group(child.pid, started, signal.SIGKILL)
        readable, _, _ = select.select([exited], [], [], 10)
        assert readable, "the straggler was killed"
    finally:
        if not select.select([exited], [], [], 0)[0]:
            os.kill(lingering, signal.SIGKILL)
        os.close(exited)
