"""Bitwise ops against NumPy on both backends: every integer dtype and bool, broadcasting, scalars, errors."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy

INTS = ["uint8", "int8", "int16", "int32", "int64"]
BINARY = {
    "bitwise_and": np.bitwise_and,
    "bitwise_or": np.bitwise_or,
    "bitwise_xor": np.bitwise_xor,
}
SHIFTS = {
    "bitwise_left_shift": np.left_shift,
    "bitwise_right_shift": np.right_shift,
    "left_shift": np.left_shift,
    "right_shift": np.right_shift,
}


def _ints(dtype: str, shape: tuple[int, ...], seed: int) -> np.ndarray:
    info = np.iinfo(dtype)
    return np.random.default_rng(seed).integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("dtype", [*INTS, "bool"])
def test_logic_matches_numpy(backend: str, dtype: str) -> None:
    a = _ints(dtype, (3, 4), 0) if dtype != "bool" else np.random.default_rng(0).random((3, 4)) > 0.5
    b = _ints(dtype, (4,), 1) if dtype != "bool" else np.array([True, False, True, False])
    for name, ref in BINARY.items():
        assert_matches_numpy(getattr(dn.ops, name)(a, b), ref(a, b))
    for name in ("bitwise_invert", "bitwise_not"):
        assert_matches_numpy(getattr(dn.ops, name)(a), np.invert(a))


@pytest.mark.parametrize("dtype", INTS)
def test_shifts_match_numpy(backend: str, dtype: str) -> None:
    bits = np.iinfo(dtype).bits
    a = _ints(dtype, (2, 5), 2)
    amounts = np.arange(5).astype(dtype) % bits  # within [0, bits): defined on every backend
    for name, ref in SHIFTS.items():
        assert_matches_numpy(getattr(dn.ops, name)(a, amounts), ref(a, amounts))


def test_promotion_scalars_and_bools(backend: str) -> None:
    a = np.array([5, 12, -3], np.int8)
    b = np.array([3, 10, 7], np.int32)
    assert_matches_numpy(dn.ops.bitwise_and(a, b), np.bitwise_and(a, b))  # int8 with int32 gives int32
    assert_matches_numpy(dn.ops.bitwise_or(a, 6), np.bitwise_or(a, 6))  # a Python int is weak: int8
    assert_matches_numpy(dn.ops.bitwise_xor(np.uint8(200), np.array([1, 255], np.uint8)), np.array([201, 55], np.uint8))
    flags = np.array([True, False])
    # Shifting bools shifts them as int8, as NumPy does.
    assert_matches_numpy(dn.ops.left_shift(flags, flags), np.left_shift(flags, flags))
    assert_matches_numpy(dn.ops.right_shift(a, 1), np.right_shift(a, 1))  # arithmetic: -3 >> 1 is -2


def test_compiled(backend: str) -> None:
    f = dn.function(lambda a, b: (dn.ops.bitwise_and(a, b), dn.ops.left_shift(a, 2), dn.ops.bitwise_invert(b)))
    a, b = np.array([3, 6, 9], np.int32), np.array([5, 5, 1], np.int32)
    got = f(a, b)
    for g, w in zip(got, (a & b, a << 2, ~b), strict=True):
        assert_matches_numpy(g, w)


def test_bad_arguments(backend: str) -> None:
    floats = np.ones(3, np.float32)
    with pytest.raises(dn.DTypeError, match="bitwise_and: takes integer or bool tensors, got float32; cast first"):
        dn.ops.bitwise_and(floats, 1)
    with pytest.raises(dn.DTypeError, match="bitwise_xor: takes integer or bool tensors, got float64"):
        dn.ops.bitwise_xor(np.array([1]), np.array([0.5]))
    with pytest.raises(dn.DTypeError, match="bitwise_invert: takes integer or bool tensors, got float32"):
        dn.ops.bitwise_invert(floats)
    with pytest.raises(dn.DTypeError, match="left_shift: takes integer tensors, got complex64"):
        dn.ops.left_shift(np.array([1j], np.complex64), 1)
    with pytest.raises(dn.ShapeError, match="bitwise_or: cannot broadcast"):
        dn.ops.bitwise_or(np.ones((2, 3), np.int32), np.ones(4, np.int32))
