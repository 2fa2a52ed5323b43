"""Dtype promotion over the whole dtype set: every binary op gives ``dualnet.dtypes.result_type``, on both backends.

``result_type`` is the spec. It follows NumPy between two ints or two floats
(checked here too) and deliberately differs elsewhere: an int meeting a float
gives that float (NumPy: often float64), bfloat16 with float16 gives float32,
and Python scalars are weak.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, strategies as st

import dualnet as dn
from dualnet.dtypes import FLOATS, INTS, NAMES, result_type
from tests.property.strategies import PROPS

REAL = [name for name in NAMES if not name.startswith("complex")]
OPS = ("add", "multiply", "maximum", "where", "concatenate", "equal")


def _zeros(dtype: str, shape: tuple[int, ...] = (2,)) -> object:
    """A tensor of ``dtype``; bfloat16 (which NumPy lacks) through a cast."""
    return dn.ops.cast(dn.ops.convert_to_tensor(np.zeros(shape, np.float32)), dtype)


def _apply(op: str, a: object, b: object) -> object:
    if op == "where":
        return dn.ops.where(dn.ops.convert_to_tensor(np.array([True, False])), a, b)
    if op == "concatenate":
        return dn.ops.concatenate([a, b])
    return getattr(dn.ops, op)(a, b)


@pytest.mark.parametrize("op", OPS)
def test_every_dtype_pair_promotes_as_result_type(backend: str, op: str) -> None:
    wrong = []
    for a, b in itertools.product(REAL, repeat=2):
        expected = "bool" if op == "equal" else result_type(a, b)
        got = dn.ops.dtype(_apply(op, _zeros(a), _zeros(b)))
        if got != expected:
            wrong.append(f"{a} with {b}: {got}, expected {expected}")
    assert not wrong, f"{op} on {backend}: " + "; ".join(wrong)


def test_result_type_is_numpy_within_a_kind() -> None:
    for kind in (INTS, FLOATS - {"bfloat16"}):
        for a, b in itertools.product(sorted(kind), repeat=2):
            assert result_type(a, b) == np.result_type(a, b).name, (a, b)


@PROPS
@given(
    dtype=st.sampled_from(REAL),
    scalar=st.one_of(st.booleans(), st.integers(0, 100), st.floats(-100, 100, allow_nan=False)),
    op=st.sampled_from(["add", "multiply", "maximum", "equal"]),
    scalar_first=st.booleans(),
)
def test_python_scalars_keep_the_tensor_dtype_when_their_kind_fits(
    backend: str, dtype: str, scalar: object, op: str, scalar_first: bool
) -> None:
    tensor = _zeros(dtype)
    args = (scalar, tensor) if scalar_first else (tensor, scalar)
    expected = "bool" if op == "equal" else result_type(dtype, scalar)
    assert dn.ops.dtype(_apply(op, *args)) == expected
