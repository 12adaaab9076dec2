"""What the demo shows: the model's scripts and the jobs seeded to follow them.

Five jobs, all done within a minute except the one waiting for you:

* **lock holder** locks ``src/config.py``, tells the others through a note, edits the file
  (the write hook lets it: it holds the lock), works a little and releases it.
* **lock waiter** watches for that note, then asks for the same lock and waits on it (an
  orange card that makes no progress) until the holder lets go, then edits the file itself.
* **release manager** (a parent) creates a sub-agent to write the changelog, waits for it and
  reports what it said.
* **license picker** asks you a question: its card stays red until you answer in the page.

Each step has a small delay so a person watching the dashboard sees progress happen.
"""

from __future__ import annotations

from typing import Any

from podium.demo.scripted_anthropic import Step, marker

CONFIG_FILE = "src/config.py"
LOCKED_NOTE = "demo/config-locked"
QUESTION = "Which license should the demo project use? (MIT or Apache-2.0)"

CONFIG_V1 = '"""Settings for the demo app."""\n\nDEBUG = False\n'
CONFIG_V2 = (
    '"""Settings for the demo app (loaded once, validated)."""\n\nDEBUG = False\nTIMEOUT = 30\n'
)
CONFIG_V3 = CONFIG_V2 + 'LOG_LEVEL = "info"\n'

# A little cost per step so the Usage view has something to show.
USAGE = {"input_tokens": 1200, "output_tokens": 300, "cache_read_input_tokens": 4000}


def _steps(*steps: Step, delay: float = 1.5) -> list[Step]:
    return [{"delay": delay, "usage": USAGE, **step} for step in steps]


def scripts(work_dir: str) -> dict[str, list[Step]]:
    """The scripts, by name; paths are absolute inside the demo repository."""
    config = f"{work_dir}/{CONFIG_FILE}"
    return {
        "demo-lock-holder": _steps(
            {"tool": "lock_files", "input": {"files": [CONFIG_FILE], "reason": "refactor config"}},
            {"tool": "write_note", "input": {"key": LOCKED_NOTE, "value": "held by the refactor"}},
            {"tool": "report_status", "input": {"message": f"refactoring {CONFIG_FILE}"}},
            {"tool": "Read", "input": {"file_path": config}},
            {"tool": "Write", "input": {"file_path": config, "content": CONFIG_V2}},
            {"tool": "Bash", "input": {"command": "sleep 4; echo config tests pass"}},
            {"tool": "release_files", "input": {"files": [CONFIG_FILE]}},
            {"text": "Refactored src/config.py (added TIMEOUT) and released the lock."},
        ),
        "demo-lock-waiter": _steps(
            {"tool": "report_status", "input": {"message": "waiting for the refactor to start"}},
            {"tool": "watch_notes", "input": {"keys": [LOCKED_NOTE], "timeout_ms": 60000}},
            {
                "tool": "report_status",
                "input": {"message": f"waiting for the lock on {CONFIG_FILE}"},
            },
            {"tool": "lock_files", "input": {"files": [CONFIG_FILE], "reason": "add LOG_LEVEL"}},
            {"tool": "Read", "input": {"file_path": config}},
            {"tool": "Write", "input": {"file_path": config, "content": CONFIG_V3}},
            {"tool": "release_files", "input": {"files": [CONFIG_FILE]}},
            {"text": "Got the lock once the refactor released it; added LOG_LEVEL."},
        ),
        "demo-changelog": _steps(
            {"tool": "report_status", "input": {"message": "reading the git log"}},
            {"tool": "Bash", "input": {"command": "git log --oneline | head -5"}},
            {"text": "Changelog: 0.2.0 adds TIMEOUT and LOG_LEVEL to the config.", "delay": 2},
        ),
        "demo-release-manager": _steps(
            {"tool": "report_status", "input": {"message": "delegating the changelog"}},
            {
                "tool": "create_job",
                "input": {
                    "title": "Write the changelog entry",
                    "description": "Write the changelog entry for 0.2.0 "
                    + marker("demo-changelog"),
                },
            },
            {"tool": "wait_for_jobs", "input": {"job_ids": ["{{result:2.job_id}}"]}},
            {"text": "Release notes ready. The sub-agent said: {{result:3.jobs.0.result_text}}"},
        ),
        "demo-license": _steps(
            {"tool": "report_status", "input": {"message": "needs a decision from you"}},
            {"tool": "ask_user", "input": {"question": QUESTION}},
            {
                "tool": "write_note",
                "input": {"key": "decisions/license", "value": "{{result:2.answer}}"},
            },
            {"text": "Using the {{result:2.answer}} license, as you chose."},
        ),
    }


def jobs() -> list[dict[str, Any]]:
    """The jobs to create (POST /api/jobs bodies, without workDir), in order."""
    return [
        {
            "title": "Refactor the config loader",
            "description": f"Refactor {CONFIG_FILE} {marker('demo-lock-holder')}",
            "priority": 5,
        },
        {
            "title": "Add a log level setting",
            "description": f"Add LOG_LEVEL to {CONFIG_FILE} {marker('demo-lock-waiter')}",
            "priority": 4,
        },
        {
            "title": "Prepare the 0.2.0 release",
            "description": f"Prepare the release notes {marker('demo-release-manager')}",
            "priority": 3,
        },
        {
            "title": "Pick a license",
            "description": f"Choose and record the project's license {marker('demo-license')}",
            "priority": 2,
        },
    ]
