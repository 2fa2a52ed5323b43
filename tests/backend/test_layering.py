"""Only backend/torch imports torch and only backend/tensorflow imports tensorflow."""

from __future__ import annotations

import ast
from pathlib import Path

import dualnet

SRC = Path(dualnet.__file__).parent
OWNERS = {"torch": SRC / "backend" / "torch", "tensorflow": SRC / "backend" / "tensorflow", "keras": None}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_frameworks_are_imported_only_in_their_backend_folder() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        for framework, owner in OWNERS.items():
            if framework in _imported_roots(path) and (owner is None or owner not in path.parents):
                offenders.append(f"{path.relative_to(SRC)} imports {framework}")
    assert not offenders, offenders
