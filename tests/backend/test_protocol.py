"""Both built-in backends provide the core protocol and every public op, under the same names."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import dualnet
from dualnet import ops
from dualnet.backend import base, registry

SRC = Path(dualnet.__file__).parent
FRONTEND_EXEMPT = {"random"}  # a submodule, not an op


def _dispatched_names() -> set[str]:
    """Every ``B.<name>`` that the public op modules call."""
    names: set[str] = set()
    for path in (SRC / "ops").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "B":
                names.add(node.attr)
    return names


def _protocol_names() -> set[str]:
    return {name for name in vars(base.Backend) if not name.startswith("_")} | {"name"}


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_backend_provides_protocol_and_ops(name: str) -> None:
    if not registry.is_installed(name):
        pytest.skip(f"{name} not installed")
    module = registry.load(name)
    provided = set(module.__all__)
    assert not (_protocol_names() - provided), f"missing core functions: {_protocol_names() - provided}"
    assert not (_dispatched_names() - provided), f"missing ops: {_dispatched_names() - provided}"
    for attr in provided:
        assert hasattr(module, attr)


def test_both_backends_export_the_same_names() -> None:
    if not all(registry.is_installed(n) for n in ("torch", "tensorflow")):
        pytest.skip("needs both backends")
    torch_names = set(registry.load("torch").__all__)
    tf_names = set(registry.load("tensorflow").__all__)
    assert torch_names == tf_names, {"torch only": torch_names - tf_names, "tensorflow only": tf_names - torch_names}


def test_both_backends_have_the_same_files() -> None:
    files = {b: sorted(p.name for p in (SRC / "backend" / b).glob("*.py")) for b in ("torch", "tensorflow")}
    assert files["torch"] == files["tensorflow"]


def test_public_ops_are_documented_and_typed() -> None:
    public = [n for n in ops.__all__ if n not in FRONTEND_EXEMPT] + [f"random.{n}" for n in ops.random.__all__]
    assert len(public) >= 100
    for dotted in public:
        fn = ops
        for part in dotted.split("."):
            fn = getattr(fn, part)
        assert inspect.getdoc(fn), f"dn.ops.{dotted} has no docstring"
        assert "return" in inspect.get_annotations(fn), f"dn.ops.{dotted} has no return annotation"
