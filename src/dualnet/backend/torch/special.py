"""Elementwise special functions on torch: inverse trigonometry, stable log-sums, float tests, remainders."""

from __future__ import annotations

import math as pymath
from collections.abc import Callable
from typing import Any

import torch

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.backend.torch.math import _binary as _math_binary, _operands, _unary as _math_unary
from dualnet.errors import DTypeError


def _unary(fn: Callable[[Any], Any], op: str) -> Callable[[ArrayLike], torch.Tensor]:
    made = _math_unary(fn, op)
    made.__module__ = __name__  # the function belongs to this concern's file, not to math.py
    return made


def _binary(fn: Callable[[Any, Any], Any], op: str) -> Callable[[ArrayLike, ArrayLike], torch.Tensor]:
    made = _math_binary(fn, op)
    made.__module__ = __name__
    return made


def _tensors(x1: Any, x2: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Both operands as tensors of their common dtype (several torch kernels take no Python scalars)."""
    t1, t2 = _operands(x1, x2)
    t1 = t1 if isinstance(t1, torch.Tensor) else torch.tensor(t1, dtype=t2.dtype, device=t2.device)
    t2 = t2 if isinstance(t2, torch.Tensor) else torch.tensor(t2, dtype=t1.dtype, device=t1.device)
    return t1, t2


def _floating(t: torch.Tensor) -> torch.Tensor:
    return t if t.is_floating_point() or t.is_complex() else t.to(torch.float32)


def _float_binary(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], op: str) -> Any:
    """A float function of two operands: promoted together, integers and bools computed in float32."""

    def pair(t1: Any, t2: Any) -> torch.Tensor:
        a, b = _tensors(t1, t2)
        return fn(_floating(a), _floating(b))

    return _binary(pair, op)


def _integers(op: str, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Any:
    def pair(t1: Any, t2: Any) -> torch.Tensor:
        a, b = _tensors(t1, t2)
        if a.is_floating_point() or a.is_complex() or a.dtype == torch.bool:
            raise DTypeError(f"{op}: takes integer tensors, got {str(a.dtype).removeprefix('torch.')}; cast first")
        return fn(a, b)

    return _binary(pair, op)


def _same_kind(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Callable[[Any, Any], torch.Tensor]:
    def pair(t1: Any, t2: Any) -> torch.Tensor:
        return fn(*_tensors(t1, t2))

    return pair


def _fabs(x: torch.Tensor) -> torch.Tensor:
    return torch.abs(_floating(x))


def _cbrt(x: torch.Tensor) -> torch.Tensor:
    x = _floating(x)
    return torch.sign(x) * torch.abs(x) ** (1.0 / 3.0)


def _is_inf(sign: float) -> Callable[[torch.Tensor], torch.Tensor]:
    def test(x: torch.Tensor) -> torch.Tensor:
        if not x.is_floating_point():
            return torch.zeros_like(x, dtype=torch.bool)
        return x == sign * pymath.inf

    return test


def _isreal(x: torch.Tensor) -> torch.Tensor:
    return x.imag == 0 if x.is_complex() else torch.ones_like(x, dtype=torch.bool)


def _signbit(x: torch.Tensor) -> torch.Tensor:
    return torch.signbit(x) if x.dtype != torch.bool else torch.zeros_like(x)


def _copy(x: torch.Tensor) -> torch.Tensor:
    return x.clone()


absolute = _unary(torch.abs, "absolute")
fabs = _unary(_fabs, "fabs")
arccos = _unary(torch.arccos, "arccos")
arccosh = _unary(torch.arccosh, "arccosh")
arcsin = _unary(torch.arcsin, "arcsin")
arcsinh = _unary(torch.arcsinh, "arcsinh")
arctanh = _unary(torch.arctanh, "arctanh")
cbrt = _unary(_cbrt, "cbrt")
deg2rad = _unary(lambda x: torch.deg2rad(_floating(x)), "deg2rad")
rad2deg = _unary(lambda x: torch.rad2deg(_floating(x)), "rad2deg")
erfc = _unary(torch.erfc, "erfc")
erfinv = _unary(torch.erfinv, "erfinv")
exp2 = _unary(lambda x: torch.exp2(_floating(x)), "exp2")
i0 = _unary(lambda x: torch.i0(_floating(x)), "i0")
isneginf = _unary(_is_inf(-1.0), "isneginf")
isposinf = _unary(_is_inf(1.0), "isposinf")
isreal = _unary(_isreal, "isreal")
signbit = _unary(_signbit, "signbit")
rsqrt = _unary(lambda x: torch.rsqrt(_floating(x)), "rsqrt")
sinc = _unary(lambda x: torch.sinc(_floating(x)), "sinc")
copy = _unary(_copy, "copy")


def _divide_no_nan(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    zero = b == 0
    # The quotient is computed against a safe divisor so that its gradient is finite where b is 0.
    return torch.where(zero, torch.zeros_like(a), a / torch.where(zero, torch.ones_like(b), b))


def _heaviside(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    a, b = torch.broadcast_tensors(a, b)
    return torch.where(a < 0, torch.zeros_like(a), torch.where(a > 0, torch.ones_like(a), b))


def _logaddexp2(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.logaddexp2(a, b)


def _ldexp(x1: Any, x2: Any) -> torch.Tensor:
    t1 = _floating(convert_to_tensor(x1))
    t2 = convert_to_tensor(x2)
    if t2.is_floating_point() or t2.is_complex():
        raise DTypeError("ldexp: the exponent x2 must be an integer tensor; cast it with dn.ops.cast(x2, 'int32')")
    return t1 * torch.pow(torch.tensor(2.0, dtype=t1.dtype, device=t1.device), t2.to(t1.dtype))


arctan2 = _float_binary(torch.atan2, "arctan2")
divide_no_nan = _float_binary(_divide_no_nan, "divide_no_nan")
fmax = _binary(_same_kind(torch.fmax), "fmax")
fmin = _binary(_same_kind(torch.fmin), "fmin")
fmod = _binary(_same_kind(torch.fmod), "fmod")
gcd = _integers("gcd", torch.gcd)
lcm = _integers("lcm", lambda a, b: torch.abs(torch.lcm(a, b)))
heaviside = _float_binary(_heaviside, "heaviside")
hypot = _float_binary(torch.hypot, "hypot")
logaddexp = _float_binary(torch.logaddexp, "logaddexp")
logaddexp2 = _float_binary(_logaddexp2, "logaddexp2")
nextafter = _float_binary(torch.nextafter, "nextafter")
true_divide = _float_binary(torch.true_divide, "true_divide")


def ldexp(x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
    return _ldexp(x1, x2)


def isclose(
    x1: ArrayLike, x2: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> torch.Tensor:
    a, b = _tensors(x1, x2)
    if not (a.is_floating_point() or a.is_complex()):
        a, b = a.to(torch.float64), b.to(torch.float64)
    a, b = torch.broadcast_tensors(a, b)
    return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(
    x1: ArrayLike, x2: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> torch.Tensor:
    return torch.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def nan_to_num(
    x: ArrayLike, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> torch.Tensor:
    t = convert_to_tensor(x)
    if not (t.is_floating_point() or t.is_complex()):
        return t
    return torch.nan_to_num(t, nan=nan, posinf=posinf, neginf=neginf)
