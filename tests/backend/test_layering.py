"""The layering of dualnet's packages and the framework boundaries hold, and the architecture page states them.

The rules are import-linter contracts in ``pyproject.toml`` (``[tool.importlinter]``; ``nox -s lint`` runs
``lint-imports``). These tests run the same check, keep ``docs/architecture.md``'s layer table equal to the
contract, and keep the framework rule checkable without import-linter.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import dualnet

SRC = Path(dualnet.__file__).parent
ROOT = Path(__file__).resolve().parents[2]
OWNERS = {"torch": SRC / "backend" / "torch", "tensorflow": SRC / "backend" / "tensorflow", "keras": None}
_ROW = re.compile(r"^\| (\d+) \| (.+?) \| ", re.M)


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def _contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["contracts"])


def _layers_contract() -> dict[str, Any]:
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    return layers


def test_frameworks_are_imported_only_in_their_backend_folder() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        for framework, owner in OWNERS.items():
            if framework in _imported_roots(path) and (owner is None or owner not in path.parents):
                offenders.append(f"{path.relative_to(SRC)} imports {framework}")
    assert not offenders, offenders


def test_the_import_contracts_hold() -> None:
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True, no_logo=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_architecture_page_lists_the_contract_layers() -> None:
    """Row N of the page's layer table names the packages of layer N of the contract, in order."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [(int(n), re.findall(r"`([\w./]+?)(?:\.py|/)?`", cell)) for n, cell in _ROW.findall(page)]
    assert [n for n, _ in rows] == list(range(1, len(rows) + 1)), "the layer table's rows must be numbered 1, 2, ..."
    documented = [sorted(names) for _, names in rows]
    contract = [sorted(part.strip() for part in layer.split("|")) for layer in _layers_contract()["layers"]]
    assert documented == contract, f"docs/architecture.md lists {documented}; pyproject.toml's layers are {contract}"


def test_the_architecture_page_names_every_allowed_upward_import() -> None:
    words = " ".join((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").split())
    for ignored in _layers_contract().get("ignore_imports", []):
        importer, imported = (part.strip() for part in str(ignored).split("->"))
        assert f"`{importer}` imports `{imported}`" in words, (
            f"the layering contract allows {ignored}; docs/architecture.md must name it ('`{importer}` imports "
            f"`{imported}`')"
        )
