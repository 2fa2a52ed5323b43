"""Only ``nn/module.py`` and ``nn/tracking.py`` touch a Module's private state; the rest of dualnet uses its hooks.

The scan is syntactic (``ast``): it flags writes to another object's
``__dict__``, assignments to (and reads of) the private attributes Module
keeps, and Module subclasses doing either on ``self``. A class writing its own
``self.__dict__`` for its own plain attributes is allowed.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import dualnet
from dualnet.nn.module import Module
from dualnet.nn.tracking import Node

SRC = Path(dualnet.__file__).parent
# nn/regularization.py is Module's penalty machinery (add_weight's regularizers, activity penalties, model.losses)
OWNERS = {"nn/module.py", "nn/tracking.py", "nn/regularization.py"}
# Objects whose ``__dict__`` is written on purpose and that are not modules: (file, name).
NOT_MODULES = {("backend/dispatch.py", "B")}  # the dispatch namespace that set_backend refills
# The frameworks' own modules have attributes of the same names (torch's ``_buffers``).
FRAMEWORK_CODE = ("backend/torch/", "backend/tensorflow/")
DICT_WRITERS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}


def _annotated(cls: type) -> set[str]:
    return {name for name in inspect.get_annotations(cls) if name.startswith("_")}


STATE = _annotated(Node) | _annotated(Module)
PRIVATE = STATE | {name for name in dir(Module) if name.startswith("_") and not name.startswith("__")}


def _module_classes(trees: dict[str, ast.Module]) -> set[str]:
    """Names of the classes in the package that derive from Module (bases named directly)."""
    bases = {
        node.name: {b.id for b in node.bases if isinstance(b, ast.Name)}
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    found = {"Module", "Node"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


def _target_name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _dict_owner(node: ast.expr) -> ast.expr | None:
    """``X`` when ``node`` is ``X.__dict__`` or ``vars(X)``."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "vars" and node.args:
        return node.args[0]
    return None


def violations(source: str, relative: str, module_classes: set[str]) -> list[str]:
    """Lines of ``source`` (file ``relative`` under the package) that reach into a Module's private state."""
    found: list[str] = []

    def on_self(target: ast.expr) -> bool:
        return _target_name(target) == "self"

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{relative}:{getattr(node, 'lineno', '?')}: {what}")

    def visit(node: ast.AST, in_module_class: bool) -> None:
        if isinstance(node, ast.ClassDef):
            in_module_class = node.name in module_classes
        # X.__dict__[key] (to write, delete or read), X.__dict__.get(key) / .update(...) / ...
        if isinstance(node, ast.Subscript) and (owner := _dict_owner(node.value)) is not None:
            key = node.slice.value if isinstance(node.slice, ast.Constant) else None
            access = "reads" if isinstance(node.ctx, ast.Load) else "writes"
            if not on_self(owner) and (relative, _target_name(owner)) not in NOT_MODULES:
                flag(node, f"{access} the __dict__ of {ast.unparse(owner)}")
            elif on_self(owner) and key in (STATE if access == "reads" else PRIVATE):
                flag(node, f"{access} Module state {key!r} through self.__dict__")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = _dict_owner(node.func.value)
            method = node.func.attr
            key = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            if owner is not None and (method in DICT_WRITERS or method == "get"):
                if not on_self(owner) and (relative, _target_name(owner)) not in NOT_MODULES:
                    flag(node, f"calls {method} on the __dict__ of {ast.unparse(owner)}")
                elif on_self(owner) and key in STATE:
                    flag(node, f"calls {method} for Module state {key!r} on self.__dict__")
        # setattr(X, "_private", ...), object.__setattr__(X, ...)
        if isinstance(node, ast.Call) and node.args:
            func = ast.unparse(node.func)
            name = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else None
            if func in {"setattr", "delattr", "object.__setattr__", "object.__delattr__"}:
                if func.startswith("object.") and not on_self(node.args[0]):
                    flag(node, f"{func} on {ast.unparse(node.args[0])}")
                elif name in PRIVATE and (not on_self(node.args[0]) or in_module_class):
                    flag(node, f"{func} of Module attribute {name!r}")
        # X._private = ..., del X._private, X._private += ...
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            writing = isinstance(node.ctx, ast.Store | ast.Del)
            reading = node.attr in STATE and not relative.startswith(FRAMEWORK_CODE)
            if (writing or reading) and (not on_self(node.value) or in_module_class):
                flag(node, f"{'writes' if writing else 'reads'} Module state {ast.unparse(node)}")
        for child in ast.iter_child_nodes(node):
            visit(child, in_module_class)

    visit(ast.parse(source), False)
    return found


def _package_sources() -> dict[str, str]:
    return {path.relative_to(SRC).as_posix(): path.read_text() for path in sorted(SRC.rglob("*.py"))}


def test_no_code_outside_module_py_reaches_into_a_modules_private_state() -> None:
    sources = _package_sources()
    classes = _module_classes({name: ast.parse(text) for name, text in sources.items()})
    assert {"Sequential", "Wrapped", "Dense", "BatchNorm"} <= classes
    problems = [
        line
        for relative, text in sources.items()
        if relative not in OWNERS
        for line in violations(text, relative, classes)
    ]
    assert not problems, "use Module's hooks (see nn/tracking.py and nn/module.py) instead:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        "def scope(module, name, value):\n    module.__dict__[name] = value",
        "def f(part, seq):\n    part.__dict__['_path'] = seq._named_path()",
        "def f(m):\n    m._params['w'] = 1",
        "def f(m):\n    return m._output_shape if False else m._out_shape",
        "def f(m):\n    m.__dict__.update(training=False)",
        "def f(model):\n    return model.__dict__.get('_input_spec')",
        "def f(module, name):\n    return module.__dict__[name]",
        "def f(m, v):\n    object.__setattr__(m, 'kernel', v)",
        "class Layer(Module):\n    def build(self):\n        self._path = 'x'",
        "class Layer(Module):\n    def build(self):\n        self.__dict__['_cache'] = None",
        "def f(m, v):\n    setattr(m, '_init_key', v)",
    ],
)
def test_the_scan_catches_each_kind_of_access(snippet: str) -> None:
    assert violations(snippet, "train/example.py", {"Module", "Node", "Layer"})


@pytest.mark.parametrize(
    "snippet",
    [
        "class Layer(Module):\n    def build(self):\n        self.__dict__['_layout'] = (1, 2)",
        "class Optimizer:\n    def __init__(self, params):\n        self._params = list(params)",
        "def f(m):\n    return m._where(), m._named_path()",
    ],
)
def test_the_scan_allows_own_plain_attributes_and_hooks(snippet: str) -> None:
    assert violations(snippet, "train/example.py", {"Module", "Node", "Layer"}) == []
