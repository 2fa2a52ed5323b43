"""Every public name is in the API reference, with a docstring.

The reference pages render packages with mkdocstrings, which reads the source
statically through griffe; this test loads the package the same way, so a
name it finds documented is one the built site shows. The public packages are
found from ``dualnet.__all__`` down (any public name that is a module is a
public package), plus ``dualnet.io``.
"""

from __future__ import annotations

import importlib
import re
import types
from functools import cache

import griffe
import pytest

from tests.docs.pages import DOCS, ROOT

EXTRA_PACKAGES = ("dualnet.io", "dualnet.serve")  # public, though not re-exported as a name of dualnet
_DIRECTIVE = re.compile(r"^:::\s*(\S+)", re.M)


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_") and _defined_in(v, module)]
    return list(names)


def _defined_in(value: object, module: types.ModuleType) -> bool:
    """A module without ``__all__`` exports what it defines, not what it imports."""
    return getattr(value, "__module__", None) == module.__name__


def public_packages() -> list[str]:
    found: list[str] = []
    todo = ["dualnet", *EXTRA_PACKAGES]
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        found.append(name)
        module = importlib.import_module(name)
        todo += [f"{name}.{n}" for n in _public_names(module) if isinstance(getattr(module, n), types.ModuleType)]
    return found


def public_names() -> list[tuple[str, str]]:
    pairs = []
    for package in public_packages():
        module = importlib.import_module(package)
        pairs += [(package, n) for n in _public_names(module) if not isinstance(getattr(module, n), types.ModuleType)]
    return pairs


@cache
def directives() -> frozenset[str]:
    """The objects the reference pages render (``::: dualnet.nn``)."""
    pages = (DOCS / "reference").glob("*.md")
    return frozenset(target for page in pages for target in _DIRECTIVE.findall(page.read_text(encoding="utf-8")))


@cache
def static_package() -> griffe.Module:
    loaded = griffe.load("dualnet", search_paths=[str(ROOT / "src")], resolve_aliases=True)
    assert isinstance(loaded, griffe.Module)
    return loaded


def _static(path: str) -> griffe.Object | griffe.Alias:
    return static_package()[path.removeprefix("dualnet.")] if path != "dualnet" else static_package()


def test_public_packages_are_found() -> None:
    packages = public_packages()
    assert {"dualnet.ops", "dualnet.ops.random", "dualnet.nn", "dualnet.optim", "dualnet.export"} <= set(packages)


@pytest.mark.parametrize("package", public_packages())
def test_package_has_a_reference_page(package: str) -> None:
    assert package in directives(), f"no reference page renders {package}; add '::: {package}' to a docs/reference page"
    docstring = _static(package).docstring
    assert docstring is not None and docstring.value.strip(), f"{package} has no module docstring"


@pytest.mark.parametrize(("package", "name"), public_names(), ids=lambda v: v)
def test_public_name_is_documented(package: str, name: str) -> None:
    runtime = getattr(importlib.import_module(package), name)
    member = _static(package)[name]
    if member.is_module and not isinstance(runtime, types.ModuleType):
        # A function that shadows the submodule of the same name (dualnet.ops.conv): the page renders the
        # submodule's member explicitly.
        target = f"{runtime.__module__}.{runtime.__qualname__}"
        assert target in directives(), f"{package}.{name} is shadowed by a submodule; add '::: {target}'"
        member = _static(target)
    docstring = member.docstring
    assert docstring is not None and docstring.value.strip(), (
        f"{package}.{name} has no docstring; the reference shows it without one"
    )


# Docstring content. Every public function and class states the dualnet errors it raises in a Google-style
# ``Raises:`` section, and every tensor-facing one states shapes.


def _dualnet_errors() -> frozenset[str]:
    import dualnet

    todo, names = [dualnet.DualnetError], set()
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return frozenset(names)


# Public callables that raise nothing of their own: pure accessors, no-argument queries and records. (Any first
# dualnet call may raise BackendError while it activates the default backend; that is not listed per name.)
RAISES_NOTHING = {
    "dualnet.constraints.NonNeg",  # no argument; max(w, 0)
    "dualnet.constraints.serialize",  # reads get_config()
    "dualnet.regularizers.serialize",  # reads get_config()
    "dualnet.data.WorkerInfo",  # a frozen record of the worker a dataset runs in
    "dualnet.data.get_worker_info",  # None in the main process, the record in a worker
    "dualnet.available_backends",  # lists the registry
    "dualnet.backend",  # the active backend's name
    "dualnet.current_device",  # the active placement scope's device
    "dualnet.devices",  # the active backend's device list
    "dualnet.no_grad",  # a scope; takes no arguments
    "dualnet.stop_gradient",  # the framework's detach of the tensor it is given
    "dualnet.ops.is_tensor",  # an isinstance check, any object is fine
    "dualnet.ops.to_numpy",  # NumPy converts whatever it is given
    "dualnet.data.num_batches",  # len() of the batches, or None
    "dualnet.data.TimeseriesDataset",  # slices arrays it was given checked; IndexError ends iteration
    "dualnet.distributed.is_initialized",  # reads process state
    "dualnet.distributed.shutdown",  # leaves the process group if in one; takes no arguments
    "dualnet.callbacks.Callback",  # a base class whose hooks do nothing
    "dualnet.callbacks.History",  # records logs, takes no arguments
    "dualnet.callbacks.TerminateOnNaN",  # takes no arguments; fit raises the NumericsError it records
    "dualnet.train.History",  # the same class as dualnet.callbacks.History
    "dualnet.train.Policy",  # a frozen record of dtype names
    "dualnet.train.LossScaler",  # stores its factors; scales the tensors it is given
    "dualnet.train.unpack",  # splits a tuple batch; anything else is x
    "dualnet.testing.Run",  # a record of NumPy arrays
    "dualnet.optim.global_norm",  # reduces the gradients it is given; no argument to check
    "dualnet.optim.get_swa_avg_fn",  # takes no arguments; returns arithmetic on the tensors it is given
    "dualnet.optim.get_swa_multi_avg_fn",  # the same, on lists of tensors
    "dualnet.optim.schedules.Schedule",  # an abstract base class without arguments
    "dualnet.nn.initializers.generator_for",  # hashes its arguments into a NumPy seed
    "dualnet.nn.Identity",  # returns its input; takes no arguments
    "dualnet.nn.initializers.fans",  # arithmetic on a shape tuple
    "dualnet.nn.initializers.VarianceScaling",  # stores its arguments unchecked; NumPy draws the values
    "dualnet.nn.initializers.Constant",  # stores its value; NumPy fills the array
    "dualnet.nn.initializers.Normal",  # stores its arguments; NumPy draws the values
    "dualnet.nn.initializers.Uniform",  # stores its arguments; NumPy draws the values
}
# Every public package states its errors.
ERRORS_CHECKED = tuple(public_packages())
# Packages whose callables take or return tensors, so their docstrings state shapes.
SHAPED_PACKAGES = ("dualnet.ops", "dualnet.ops.random", "dualnet.losses", "dualnet.metrics", "dualnet.nn")

# Callables of those packages that take names, not tensors.
SHAPELESS = {"dualnet.losses.get", "dualnet.metrics.get", "dualnet.ops.is_tensor"}  # is_tensor takes any object
# "shape" / "shapes" / "same shape as", or a parenthesised shape with a named or elided dimension: (N, C), (batch, ...).
_STATES_SHAPE = re.compile(r"\bshapes?\b|\((?:[A-Z]\w*|batch|\.\.\.)(?:, ?(?:\*?\w+|\.\.\.))+\)", re.I)


def _member(package: str, name: str) -> griffe.Object | griffe.Alias:
    runtime = getattr(importlib.import_module(package), name)
    member = _static(package)[name]
    if member.is_module and not isinstance(runtime, types.ModuleType):
        member = _static(f"{runtime.__module__}.{runtime.__qualname__}")
    return member


def _documented_callables() -> list[tuple[str, str]]:
    """Public functions and classes, not error classes (they document themselves) and not constants."""
    pairs = []
    for package, name in public_names():
        runtime = getattr(importlib.import_module(package), name)
        if isinstance(runtime, type) and issubclass(runtime, BaseException):
            continue
        if callable(runtime):
            pairs.append((package, name))
    return pairs


def _docstring_text(member: griffe.Object | griffe.Alias) -> str:
    """The docstring the reference renders: a class's own plus its ``__init__``'s (merge_init_into_class)."""
    texts = [member.docstring.value if member.docstring else ""]
    if member.is_class and "__init__" in member.members and member.members["__init__"].docstring:
        texts.append(member.members["__init__"].docstring.value)
    return "\n\n".join(texts)


def _raised(text: str) -> list[str]:
    sections = griffe.Docstring(text).parse("google")
    raises = [s for s in sections if s.kind is griffe.DocstringSectionKind.raises]
    return [str(item.annotation).rsplit(".", 1)[-1] for section in raises for item in section.value]


@pytest.mark.parametrize(
    ("package", "name"), [(p, n) for p, n in _documented_callables() if p in ERRORS_CHECKED], ids=lambda v: v
)
def test_public_callable_states_its_errors(package: str, name: str) -> None:
    """A ``Raises:`` section naming dualnet error classes, one per line; or the name is in RAISES_NOTHING."""
    qualified = f"{package}.{name}"
    raised = _raised(_docstring_text(_member(package, name)))
    if qualified in RAISES_NOTHING:
        assert not raised, f"{qualified} documents errors; remove it from RAISES_NOTHING"
        return
    assert raised, f"{qualified} has no 'Raises:' section; list the dualnet errors it raises, one per line"
    unknown = set(raised) - _dualnet_errors()
    assert not unknown, f"{qualified} lists {sorted(unknown)} under 'Raises:'; name dualnet error classes"


@pytest.mark.parametrize(
    ("package", "name"),
    [(p, n) for p, n in _documented_callables() if p in SHAPED_PACKAGES and f"{p}.{n}" not in SHAPELESS],
    ids=lambda v: v,
)
def test_tensor_callable_states_shapes(package: str, name: str) -> None:
    """Ops, losses, metrics and layers say the shapes they take and give.

    The rule is mechanical: the docstring contains the word "shape" (as in "same shape as x", "any shape",
    "shape (N, C)") or a parenthesised shape with a named or elided dimension, such as ``(N, C)`` or
    ``(batch, ...)``. Elementwise ops may say it briefly: "same shape as the broadcast of x1 and x2".
    """
    qualified = f"{package}.{name}"
    text = _docstring_text(_member(package, name))
    assert _STATES_SHAPE.search(text), f"{qualified} states no shape; say what shapes it takes and returns"
