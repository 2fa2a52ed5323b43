"""Backend-neutral dtype names and the promotion rule both backends follow.

Dtypes are strings: ``"float32"``, ``"bfloat16"``, ``"int64"``, ``"bool"`` ...
Promotion follows NumPy between two integer or two float dtypes; an integer
meets a float as that float (as in PyTorch and JAX, not NumPy's float64); a
Python scalar is "weak" and takes the tensor's dtype when its kind fits
(``x_f32 * 2.0`` stays float32; ``x_int * 0.5`` becomes float32).
A complex meeting a real dtype is complex of at least that dtype's precision
(complex64 with float64 gives complex128); a Python complex is complex64.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.errors import DTypeError

__all__: list[str] = []

FLOATX = "float32"
INTX = "int64"

NAMES = (
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
FLOATS = frozenset({"float16", "bfloat16", "float32", "float64"})
INTS = frozenset({"uint8", "int8", "int16", "int32", "int64"})
COMPLEXES = frozenset({"complex64", "complex128"})
_PYTHON = {bool: "bool", int: INTX, float: FLOATX, complex: "complex64"}


def standardize(dtype: Any) -> str:
    """Return the dtype name for ``dtype`` (a name, a NumPy/torch/TF dtype, or a Python type)."""
    if isinstance(dtype, str):
        name = dtype.removeprefix("torch.")
    elif dtype in _PYTHON:
        name = _PYTHON[dtype]
    else:
        raw = getattr(dtype, "name", None)  # np.dtype and tf.DType
        name = raw if isinstance(raw, str) else str(dtype).removeprefix("torch.")
    name = {"float": "float32", "double": "float64", "half": "float16", "long": "int64", "int": "int32"}.get(name, name)
    if name not in NAMES:
        raise DTypeError(f"dtype {dtype!r} is not supported; use one of: {', '.join(NAMES)}")
    return name


def is_float(name: str) -> bool:
    """True for floating dtypes (including bfloat16)."""
    return name in FLOATS


def is_int(name: str) -> bool:
    """True for signed and unsigned integer dtypes (not bool)."""
    return name in INTS


def is_complex(name: str) -> bool:
    """True for complex64 and complex128."""
    return name in COMPLEXES


def _kind(name: str) -> int:
    if name == "bool":
        return 0
    if name in INTS:
        return 1
    if name in FLOATS:
        return 2
    return 3


def _widened(high: str, low: str) -> str:
    """``high`` (the higher kind) met by ``low``: a complex keeps at least ``low``'s float precision."""
    # complex64 and float64 give complex128, as in NumPy, torch and JAX: no float64 digit is lost.
    return "complex128" if high == "complex64" and low == "float64" else high


def _promote_two(a: str, b: str) -> str:
    if a == b:
        return a
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        high, low = (a, b) if ka > kb else (b, a)
        return _widened(high, low)
    if "bfloat16" in (a, b):
        other = b if a == "bfloat16" else a
        return "float32" if other == "float16" else other
    return str(np.result_type(a, b))


def result_type(*items: Any) -> str:
    """The dtype a binary op gives for ``items``: dtype names (tensors) and Python scalars.

    ``result_type("float32", 2)`` -> ``"float32"``; ``result_type("int32", 0.5)`` -> ``"float32"``.
    """
    # Python scalars are weak; NumPy scalars are strong, as in NumPy 2 (np.float64 subclasses float, hence type()).
    weak = [i for i in items if type(i) in _PYTHON]
    strong = [i.dtype.name if isinstance(i, np.generic) else standardize(i) for i in items if type(i) not in _PYTHON]
    out = strong[0] if strong else None
    for name in strong[1:]:
        out = _promote_two(out, name)  # type: ignore[arg-type]
    for scalar in weak:
        scalar_name = _PYTHON[type(scalar)]
        if out is None:
            out = scalar_name
        elif _kind(scalar_name) > _kind(out):
            out = _widened(scalar_name, out)
    return out or FLOATX
