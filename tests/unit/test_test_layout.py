"""Test modules share helpers through tests/support and fixtures through conftest files, never by
importing another test module or a conftest (which breaks when a file moves or runs alone)."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CROSS_IMPORT = re.compile(r"^\s*(from|import)\s+tests\.(unit|inprocess|integration|e2e|browser)\b")


def test_no_test_module_imports_another_test_module() -> None:
    offenders = [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in TESTS.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CROSS_IMPORT.match(line)
    ]
    assert not offenders, "import from tests/support instead:\n" + "\n".join(offenders)
