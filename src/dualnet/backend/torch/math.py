"""Elementwise math on torch: arithmetic, transcendental functions, rounding, comparisons, logic.

torch already promotes like :func:`dualnet.dtypes.result_type` for tensors
with a dimension and for weak Python scalars, so scalars are passed through;
only tensor pairs of different dtypes are cast explicitly (torch treats a 0-d
tensor as weak, NumPy and dualnet do not).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import torch

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import check_same_device, convert_to_tensor, native_dtype, target_device
from dualnet.dtypes import result_type
from dualnet.errors import DTypeError, ShapeError

_SCALAR = (bool, int, float)

Binary = Callable[[ArrayLike, ArrayLike], torch.Tensor]
Unary = Callable[[ArrayLike], torch.Tensor]


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


@cache
def _common(d1: torch.dtype, d2: torch.dtype) -> torch.dtype:
    return native_dtype(result_type(_name(d1), _name(d2)))


def _operands(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Tensors of one dtype, or a tensor and a Python scalar that torch promotes weakly by itself."""
    if isinstance(x1, _SCALAR):
        if isinstance(x2, _SCALAR):
            return convert_to_tensor(x1, result_type(x1, x2)), x2
        return x1, convert_to_tensor(x2)
    t1 = convert_to_tensor(x1)
    if isinstance(x2, _SCALAR):
        return t1, x2
    t2 = convert_to_tensor(x2)
    if t1.dtype != t2.dtype:
        common = _common(t1.dtype, t2.dtype)
        t1, t2 = t1.to(common), t2.to(common)
    return t1, t2


def _check_broadcast(op: str, *operands: Any) -> None:
    """Raise ShapeError if the operands' shapes do not broadcast (else the caller re-raises torch's error)."""
    shapes = [tuple(t.shape) for t in operands if isinstance(t, torch.Tensor)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(s) for s in shapes)
        raise ShapeError(
            f"{op}: cannot broadcast shapes {listed}; sizes must match or be 1 along each axis, counted from the "
            "last; reshape or expand_dims an operand"
        ) from None


def _binary(fn: Callable[[Any, Any], Any], op: str) -> Binary:
    def binary(x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
        t1, t2 = _operands(x1, x2)
        try:
            return fn(t1, t2)
        except RuntimeError:
            check_same_device(op, t1, t2)
            _check_broadcast(op, t1, t2)
            raise

    binary.__name__ = binary.__qualname__ = op
    return binary


def _unary(fn: Callable[[Any], Any], op: str) -> Unary:
    # torch computes integer and bool inputs of float functions in float32 already.
    def unary(x: ArrayLike) -> torch.Tensor:
        return fn(convert_to_tensor(x))

    unary.__name__ = unary.__qualname__ = op
    return unary


add = _binary(operator.add, "add")
multiply = _binary(operator.mul, "multiply")
divide = _binary(operator.truediv, "divide")
# torch's floor division and remainder use NumPy's algorithm (quotient floored, remainder signed like the divisor).
floor_divide = _binary(operator.floordiv, "floor_divide")
mod = _binary(operator.mod, "mod")
power = _binary(operator.pow, "power")
equal = _binary(operator.eq, "equal")
not_equal = _binary(operator.ne, "not_equal")
less = _binary(operator.lt, "less")
less_equal = _binary(operator.le, "less_equal")
greater = _binary(operator.gt, "greater")
greater_equal = _binary(operator.ge, "greater_equal")


def _is_bool(v: Any) -> bool:
    return v.dtype == torch.bool if isinstance(v, torch.Tensor) else isinstance(v, bool)


def _subtract(t1: Any, t2: Any) -> torch.Tensor:
    if _is_bool(t1) and _is_bool(t2):
        raise DTypeError("subtract: bool operands cannot be subtracted; use dn.ops.logical_xor, or cast to int first")
    # torch refuses a bool tensor minus a number; NumPy promotes the bool (to int64 for an int).
    # (_operands leaves a bool tensor only against a Python number here.)
    # torch refuses a Python bool against a number tensor too; as a weak scalar, True counts as 1.
    t1, t2 = (int(t) if isinstance(t, bool) else t for t in (t1, t2))
    if isinstance(t1, torch.Tensor) and t1.dtype == torch.bool:
        t1 = t1.to(native_dtype(result_type("bool", t2)))
    elif isinstance(t2, torch.Tensor) and t2.dtype == torch.bool:
        t2 = t2.to(native_dtype(result_type("bool", t1)))
    return t1 - t2


subtract = _binary(_subtract, "subtract")


def _scalar_bound(t1: Any, t2: Any) -> tuple[torch.Tensor, Any]:
    """``(tensor, scalar)`` when clamp can take the scalar as a bound, else ``(t1, None)``."""
    tensor, scalar = (t1, t2) if isinstance(t2, _SCALAR) else (t2, t1)
    # torch has no bool clamp kernels; a 0-d tensor then promotes the same weak way.
    return (tensor, scalar) if isinstance(scalar, _SCALAR) and tensor.dtype != torch.bool else (t1, None)


def _maximum(t1: Any, t2: Any) -> torch.Tensor:
    # clamp takes a weak scalar bound directly, saving a 0-d tensor per call.
    tensor, bound = _scalar_bound(t1, t2)
    if bound is not None:
        return torch.clamp(tensor, min=bound)
    return torch.maximum(*(torch.tensor(t) if isinstance(t, _SCALAR) else t for t in (t1, t2)))


def _minimum(t1: Any, t2: Any) -> torch.Tensor:
    tensor, bound = _scalar_bound(t1, t2)
    if bound is not None:
        return torch.clamp(tensor, max=bound)
    return torch.minimum(*(torch.tensor(t) if isinstance(t, _SCALAR) else t for t in (t1, t2)))


maximum = _binary(_maximum, "maximum")
minimum = _binary(_minimum, "minimum")


def _as_tensor(x: Any) -> torch.Tensor:
    # torch's logical ops truth-test any dtype (nonzero is True) but take no Python scalars.
    return torch.tensor(bool(x), device=target_device()) if isinstance(x, _SCALAR) else convert_to_tensor(x)


def _logical(fn: Callable[[Any, Any], Any], op: str) -> Binary:
    # Each operand is truth-tested on its own: no promotion, which could wrap a Python int around.
    def logical(x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
        t1, t2 = _as_tensor(x1), _as_tensor(x2)
        try:
            return fn(t1, t2)
        except RuntimeError:
            check_same_device(op, t1, t2)
            _check_broadcast(op, t1, t2)
            raise

    logical.__name__ = logical.__qualname__ = op
    return logical


logical_and = _logical(torch.logical_and, "logical_and")
logical_or = _logical(torch.logical_or, "logical_or")
logical_xor = _logical(torch.logical_xor, "logical_xor")
logical_not = _unary(torch.logical_not, "logical_not")

abs = _unary(torch.abs, "abs")
square = _unary(torch.square, "square")
sqrt = _unary(torch.sqrt, "sqrt")
exp = _unary(torch.exp, "exp")
expm1 = _unary(torch.expm1, "expm1")
log = _unary(torch.log, "log")
log1p = _unary(torch.log1p, "log1p")
log2 = _unary(torch.log2, "log2")
log10 = _unary(torch.log10, "log10")
sin = _unary(torch.sin, "sin")
cos = _unary(torch.cos, "cos")
tan = _unary(torch.tan, "tan")
arctan = _unary(torch.arctan, "arctan")
sinh = _unary(torch.sinh, "sinh")
cosh = _unary(torch.cosh, "cosh")
tanh = _unary(torch.tanh, "tanh")
erf = _unary(torch.erf, "erf")
reciprocal = _unary(torch.reciprocal, "reciprocal")
isnan = _unary(torch.isnan, "isnan")
isinf = _unary(torch.isinf, "isinf")
isfinite = _unary(torch.isfinite, "isfinite")


def negative(x: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        raise DTypeError("negative: a bool tensor cannot be negated; use dn.ops.logical_not, or cast to int first")
    return torch.negative(x)


def sign(x: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.dtype.is_floating_point:
        # torch.sign(nan) is 0; NumPy keeps nan.
        return torch.where(torch.isnan(x), x, torch.sign(x))
    return torch.sign(x)


def _rounding(fn: Callable[[Any], Any], op: str) -> Unary:
    def rounding(x: ArrayLike) -> torch.Tensor:
        x = convert_to_tensor(x)
        # Integers are already whole: NumPy (>= 2.1) returns them unchanged, in their dtype.
        return fn(x) if x.dtype.is_floating_point else x

    rounding.__name__ = rounding.__qualname__ = op
    return rounding


floor = _rounding(torch.floor, "floor")
ceil = _rounding(torch.ceil, "ceil")
trunc = _rounding(torch.trunc, "trunc")


def round(x: ArrayLike, decimals: int = 0) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.dtype.is_floating_point:
        return torch.round(x, decimals=decimals) if decimals else torch.round(x)
    if decimals >= 0:
        return x
    # torch has no integer rounding kernel; float64 is exact for the integers it can round here.
    return torch.round(x.double(), decimals=decimals).to(x.dtype)


def clip(x: ArrayLike, x_min: ArrayLike | None = None, x_max: ArrayLike | None = None) -> torch.Tensor:
    t = convert_to_tensor(x)
    if x_min is None and x_max is None:
        return t
    if (x_min is None or isinstance(x_min, _SCALAR)) and (x_max is None or isinstance(x_max, _SCALAR)):
        return torch.clamp(t, x_min, x_max)  # torch promotes with weak scalar bounds, as result_type does
    # clamp takes tensor bounds or number bounds, not one of each: make both tensors of the common dtype.
    bounds = [b if b is None or isinstance(b, _SCALAR) else convert_to_tensor(b) for b in (x_min, x_max)]
    names = [b if isinstance(b, _SCALAR) else _name(b.dtype) for b in bounds if b is not None]
    common = result_type(_name(t.dtype), *names)
    t = convert_to_tensor(t, common)
    lo, hi = (None if b is None else convert_to_tensor(b, common) for b in bounds)
    try:
        return torch.clamp(t, lo, hi)
    except RuntimeError:
        _check_broadcast("clip", *(v for v in (t, lo, hi) if v is not None))
        raise


def where(condition: ArrayLike, x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
    condition = convert_to_tensor(condition)
    if condition.dtype != torch.bool:
        condition = condition != 0  # NumPy truthiness: nonzero (and nan) is True
    t1, t2 = _operands(x1, x2)
    try:
        return torch.where(condition, t1, t2)
    except RuntimeError:
        _check_broadcast("where", condition, t1, t2)
        raise
