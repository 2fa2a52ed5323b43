"""NumPy integer scalars work wherever an op takes a Python int (axes, counts, sizes), as in NumPy itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.dtypes import result_type

X = np.arange(24, dtype="float32").reshape(2, 3, 4)
A = np.int64(-1)

# name -> (dualnet call on x, NumPy call on X)
CASES: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], Any]]] = {
    "sum": (lambda x: dn.ops.sum(x, axis=A), lambda v: v.sum(axis=-1)),
    "mean axes": (lambda x: dn.ops.mean(x, axis=(np.int32(0), A)), lambda v: v.mean(axis=(0, -1))),
    "argmax": (lambda x: dn.ops.argmax(x, axis=A), lambda v: v.argmax(axis=-1)),
    "softmax": (
        lambda x: dn.ops.softmax(x, axis=A),
        lambda v: np.exp(v - v.max(-1, keepdims=True)) / np.exp(v - v.max(-1, keepdims=True)).sum(-1, keepdims=True),
    ),
    "expand_dims": (lambda x: dn.ops.expand_dims(x, np.int64(0)), lambda v: np.expand_dims(v, 0)),
    "squeeze": (lambda x: dn.ops.squeeze(dn.ops.expand_dims(x, 0), np.int64(0)), lambda v: v),
    "take": (lambda x: dn.ops.take(x, np.int64(1), axis=A), lambda v: np.take(v, 1, axis=-1)),
    "split": (lambda x: dn.ops.split(x, np.int64(2), axis=A)[1], lambda v: np.split(v, 2, axis=-1)[1]),
    "flip": (lambda x: dn.ops.flip(x, axis=A), lambda v: np.flip(v, axis=-1)),
    "repeat": (lambda x: dn.ops.repeat(x, np.int64(2), axis=A), lambda v: np.repeat(v, 2, axis=-1)),
    "roll": (lambda x: dn.ops.roll(x, np.int64(1), axis=A), lambda v: np.roll(v, 1, axis=-1)),
    "reshape": (lambda x: dn.ops.reshape(x, (np.int64(6), np.int64(4))), lambda v: v.reshape(6, 4)),
    "transpose": (lambda x: dn.ops.transpose(x, (np.int64(2), 0, 1)), lambda v: v.transpose(2, 0, 1)),
    "tensordot": (lambda x: dn.ops.tensordot(x, x, np.int64(0)).shape, lambda v: np.tensordot(v, v, 0).shape),
    "zeros": (lambda x: dn.ops.zeros((np.int64(2), 3)), lambda v: np.zeros((2, 3), "float32")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_integer_arguments_match_numpy(backend: str, name: str) -> None:
    ours, numpy_op = CASES[name]
    got = ours(dn.ops.convert_to_tensor(X))
    expected = numpy_op(X)
    if isinstance(expected, tuple):
        assert tuple(got) == expected
    else:
        np.testing.assert_allclose(dn.ops.to_numpy(got), expected, rtol=1e-6)


def test_numpy_scalars_promote_as_in_numpy(backend: str) -> None:
    # NumPy 2 treats NumPy scalars as strong (float32 array * np.float64 -> float64); Python scalars stay weak.
    x = dn.ops.convert_to_tensor(np.ones(3, "float32"))
    assert dn.ops.dtype(dn.ops.clip(x, np.float32(0), dn.ops.convert_to_tensor(np.float64(5)))) == "float64"
    assert result_type("float32", np.float64(5)) == "float64"
    assert result_type("float32", 5.0) == "float32"


@pytest.mark.parametrize("axis", [1.0, "x", True])
def test_a_non_integer_axis_is_an_argument_error(backend: str, axis: Any) -> None:
    with pytest.raises(dn.ArgumentError, match="axis"):
        dn.ops.sum(dn.ops.convert_to_tensor(X), axis=axis)
