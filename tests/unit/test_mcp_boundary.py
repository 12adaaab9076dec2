"""mcp/ sits on top of the services: it imports them, and nothing below imports it back. Only
the server that mounts the MCP app may name it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "podium"
MAY_IMPORT_MCP = {SRC / "server.py"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_nothing_below_the_mcp_package_imports_it() -> None:
    offenders = {
        str(path.relative_to(SRC)): sorted(
            name for name in imported_modules(path) if name.startswith("podium.mcp")
        )
        for path in SRC.rglob("*.py")
        if (SRC / "mcp") not in path.parents and path not in MAY_IMPORT_MCP
    }
    assert {path: names for path, names in offenders.items() if names} == {}
