"""How a dataset reaches a worker process without pickle: rebuilt there from a spec of names and arrays.

A worker is a fresh interpreter (never a fork of the main process), so the dataset
must be rebuilt in it. dualnet does not pickle it; the dataset is described by

- its class, importable by ``module:qualname`` (not defined in ``__main__`` or
  inside a function), and
- the keyword arguments from ``dataset.worker_spec()``, a structure of JSON values,
  NumPy arrays (sent through shared memory when large), other datasets (described
  the same way) and importable functions (``module:qualname``; no lambdas or closures).

The worker imports the class and calls ``cls.from_worker_spec(kwargs)`` (by default
``cls(**kwargs)``). So only code the user already has on ``sys.path`` runs in the
worker, and no byte stream can make it run anything else: that is why the
import-by-name rule is worth its constraint.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

from dualnet.data import wire
from dualnet.errors import ArgumentError

__all__: list[str] = []


def reference(obj: Any, what: str) -> str:
    """``module:qualname`` of a class or function that the worker can import back to the same object.

    Raises:
        ArgumentError: a lambda, a local or ``__main__`` definition, or a name that does not resolve to ``obj``.
    """
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    fix = "define it at the top level of an importable module (not in __main__, a function or a lambda)"
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname or module == "__main__":
        raise ArgumentError(f"num_workers > 0: {what} {obj!r} cannot be named for a worker process; {fix}")
    try:
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        found = None
    if found is not obj:
        raise ArgumentError(f"num_workers > 0: {what} {module}:{qualname} does not import back to itself; {fix}")
    return f"{module}:{qualname}"


def resolve(ref: str) -> Any:
    """The object named ``module:qualname``."""
    module, _, qualname = ref.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def describe(dataset: Any) -> wire.Encoded:
    """``dataset`` as a tree and arrays for :func:`rebuild`.

    Raises:
        ArgumentError: a dataset (or a part of it) that cannot cross: no ``worker_spec``, or a
            class/function that is not importable by name.
    """
    arrays: list[Any] = []

    def extra(obj: Any, path: str) -> dict[str, Any] | None:
        if isinstance(obj, types.FunctionType | types.BuiltinFunctionType | type):
            return {"fn": reference(obj, f"the function at {path}")}
        spec_of = getattr(obj, "worker_spec", None)
        spec = spec_of() if callable(spec_of) else None
        if spec is None:
            raise ArgumentError(
                f"num_workers > 0: the dataset part at {path}, a {type(obj).__module__}.{type(obj).__qualname__}, "
                "cannot be rebuilt in a worker process: give its class a worker_spec() returning its constructor's "
                "keyword arguments (see dn.data.Dataset.worker_spec), or use num_workers=0"
            )
        cls_ref = reference(type(obj), f"the dataset class at {path}")
        return {"ds": [cls_ref, wire.encode(spec, "worker_spec", extra, arrays).tree]}

    return wire.encode(dataset, "dataset", extra, arrays)


def rebuild(tree: Any, arrays: list[Any]) -> Any:
    """The dataset :func:`describe` described (runs in the worker)."""

    def extra(node: dict[str, Any]) -> Any:
        if "fn" in node:
            return resolve(node["fn"])
        if "ds" in node:
            cls_ref, kwargs = node["ds"]
            return resolve(cls_ref).from_worker_spec(wire.decode(kwargs, arrays, extra))
        raise ArgumentError(f"a dataset spec holds an unknown node {sorted(node)}")

    return wire.decode(tree, arrays, extra)
