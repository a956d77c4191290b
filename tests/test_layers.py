"""The layers do not know each other (STYLE.md §3): checked on the import graph."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

FORBIDDEN = {
    "git_backend": (
        "flask",
        "werkzeug",
        "cryptography",
        "pydantic",
        "yaml",
        "app.encryption",
        "app.documents",
        "app.logs",
        "app.index",
    ),
    "encryption": (
        "flask",
        "werkzeug",
        "pygit2",
        "git",
        "pydantic",
        "yaml",
        "app.git_backend",
        "app.documents",
        "app.logs",
        "app.index",
    ),
    "documents": (
        "flask",
        "werkzeug",
        "pygit2",
        "git",
        "cryptography",
        "app.git_backend",
        "app.encryption",
        "app.logs",
        "app.index",
    ),
    "index": (
        "flask",
        "pygit2",
        "git",
        "cryptography",
        "app.git_backend",
        "app.encryption",
        "app.documents",
        "app.logs",
    ),
    "logs": ("flask", "werkzeug"),
    "lifecycle": (
        "flask",
        "werkzeug",
        "pygit2",
        "git",
        "cryptography",
        "app.git_backend",
        "app.encryption",
        "app.index",
    ),
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_forbidden(package: str) -> None:
    offenders = []
    for path in (APP / package).rglob("*.py"):
        for name in _imports(path):
            if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN[package]):
                offenders.append(f"{path.relative_to(APP)} imports {name}")
    assert offenders == []
