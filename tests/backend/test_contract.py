"""The backend contract (``dualnet.backend.api``) is what both backends, ``B`` and ``dn.ops`` agree on.

Each check says what is missing or different and where, so adding an op to one
side only fails here with the fix in the message.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import dualnet
import dualnet as dn
from dualnet import ops
from dualnet.backend import api, dispatch, registry
from dualnet.backend.dispatch import B

SRC = Path(dualnet.__file__).parent
OP_MODULES = [m for m in vars(ops).values() if isinstance(m, ModuleType) and m.__name__.startswith("dualnet.ops.")]


# ---------------------------------------------------------------- the built-in backends


def test_backend_implements_the_contract(backend: str) -> None:
    """Every declared function is in the file of its concern, with the declared parameters and defaults."""
    problems = api.check_backend(registry.load(backend))
    assert not problems, "\n".join(problems)


def test_both_backends_have_one_file_per_concern() -> None:
    expected = sorted(["__init__.py", *(f"{concern}.py" for concern in api.CONCERNS)])
    for name in ("torch", "tensorflow"):
        files = sorted(p.name for p in (SRC / "backend" / name).glob("*.py"))
        assert files == expected, f"backend/{name}: files {files}, the contract's concerns give {expected}"


def test_b_holds_the_backends_own_functions(backend: str) -> None:
    """``B.add`` is one lookup in B's plain ``__dict__``, which holds the backend's function itself."""
    module = registry.load(backend)
    assert set(vars(B)) == set(api.names())
    assert not any(name in vars(type(B)) for name in api.names() if name != "name")  # no descriptors
    for name in api.names():
        if name != "name":
            assert vars(B)[name] is getattr(module, name), name


def test_a_backend_without_a_function_still_activates(backend: str) -> None:
    partial = ModuleType("partial_backend")
    partial.name = "partial"  # type: ignore[attr-defined]
    partial.add = registry.load(backend).add  # type: ignore[attr-defined]
    dispatch.activate(partial, "partial")
    try:
        assert B.add(1.0, 2.0) is not None
        with pytest.raises(dn.UnsupportedError, match=r"backend 'partial' does not provide 'subtract'"):
            B.subtract(1.0, 2.0)
    finally:
        dn.set_backend(backend)


# ---------------------------------------------------------------- the front end


def _dispatched() -> dict[str, list[str]]:
    """Every ``B.<name>`` used in ``src/dualnet`` outside ``backend/``: name -> where."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if (SRC / "backend") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "B":
                found.setdefault(node.attr, []).append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_b_name_the_front_end_uses_is_declared() -> None:
    used = _dispatched()
    assert len(used) > 150  # the scan sees the front end
    undeclared = {name: where for name, where in used.items() if name not in api.names() and name != "__dict__"}
    assert not undeclared, "\n".join(
        f"B.{name} (used at {', '.join(where[:3])}) is not declared: add it to dualnet/backend/api/<concern>.py"
        for name, where in undeclared.items()
    )


def _wrappers() -> list[tuple[str, str]]:
    """``(public path, contract name)`` per ``dn.ops`` function (``dn.ops.random.normal`` wraps ``random_normal``)."""
    pairs = [(f"dn.ops.{name}", name) for name in ops.__all__ if name not in ("random", "image")]
    pairs += [(f"dn.ops.image.{name}", f"image_{name}") for name in ops.image.__all__]
    return pairs + [(f"dn.ops.random.{name}", f"random_{name}") for name in ops.random.__all__]


def test_every_public_op_wraps_a_declared_function() -> None:
    missing = [f"{path} wraps no declared {name!r}" for path, name in _wrappers() if name not in api.names()]
    assert not missing, "\n".join(missing) + "\ndeclare each in dualnet/backend/api/<concern>.py"


@pytest.mark.parametrize(("path", "name"), _wrappers(), ids=[p for p, _ in _wrappers()])
def test_public_op_has_the_declared_parameters(path: str, name: str) -> None:
    fn = ops
    for part in path.removeprefix("dn.ops.").split("."):
        fn = getattr(fn, part)
    problems = api.check_signature(fn, name)  # type: ignore[arg-type]
    assert not problems, f"{path}: " + "; ".join(problems)


@pytest.mark.parametrize("module", OP_MODULES, ids=lambda m: m.__name__)
def test_op_module_exports_exactly_its_public_functions(module: ModuleType) -> None:
    """An op module's ``__all__`` lists the public functions it defines (mypy and the docs read it statically)."""
    defined = [
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and inspect.isfunction(value) and value.__module__ == module.__name__
    ]
    unlisted = [name for name in defined if name not in module.__all__]
    undefined = [name for name in module.__all__ if name not in defined]
    assert not unlisted, f"{module.__name__} defines {unlisted} but its __all__ does not list them; add them"
    assert not undefined, f"{module.__name__}.__all__ lists {undefined}, which it does not define"


def test_public_ops_are_documented_and_typed() -> None:
    assert len(_wrappers()) >= 100
    for path, _ in _wrappers():
        fn = ops
        for part in path.removeprefix("dn.ops.").split("."):
            fn = getattr(fn, part)
        assert inspect.getdoc(fn), f"{path} has no docstring"
        assert "return" in inspect.get_annotations(fn), f"{path} has no return annotation"


def test_every_declaration_has_a_one_line_docstring() -> None:
    for concern, declared in api.names_by_concern().items():
        protocol = api.CONCERNS[concern]
        for name in declared:
            member = vars(protocol).get(name)
            if member is None:  # an attribute (name: str)
                continue
            doc = inspect.getdoc(member) or ""
            assert doc and "\n" not in doc, f"api.{concern}: {name} needs a one-line docstring, got {doc!r}"


def test_backend_joins_every_concern() -> None:
    assert set(api.Backend.__mro__) >= set(api.CONCERNS.values())
    assert len(api.names()) == len(set(api.names())), "a name is declared by two concerns"


def test_backend_defaults_mean_what_the_public_defaults_mean(backend: str) -> None:
    """A call through ``B`` that leaves out declared defaults gives what the same ``dn.ops`` call gives."""
    x = np.arange(2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3) / 10
    kernel = np.ones((3, 3, 3, 2), np.float32) / 9
    pairs = [
        (B.zeros((2, 3)), dn.ops.zeros((2, 3))),
        (B.arange(5), dn.ops.arange(5)),
        (B.arange(0.5, 3), dn.ops.arange(0.5, 3)),
        (B.linspace(0, 1), dn.ops.linspace(0, 1)),
        (B.eye(3), dn.ops.eye(3)),
        (B.tril(np.ones((3, 3))), dn.ops.tril(np.ones((3, 3)))),
        (B.clip(np.array([-1.0, 2.0])), dn.ops.clip(np.array([-1.0, 2.0]))),
        (B.conv(x, kernel), dn.ops.conv(x, kernel)),
        (B.max_pool(x, 2), dn.ops.max_pool(x, 2)),
        (B.avg_pool(x, 2), dn.ops.avg_pool(x, 2)),
        (B.random_normal((3,), seed=1), dn.ops.random.normal((3,), seed=1)),
        (B.random_uniform((3,), seed=1), dn.ops.random.uniform((3,), seed=1)),
    ]
    for via_b, via_ops in pairs:
        assert B.dtype(via_b) == dn.ops.dtype(via_ops)
        np.testing.assert_array_equal(B.to_numpy(via_b), dn.ops.to_numpy(via_ops))
