"""dn.ops shape manipulation against NumPy on both backends: values, dtypes, gradients, graph mode, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 4)).astype(np.float32)
V = np.arange(5, dtype=np.int32)
Y = RNG.standard_normal((2, 1, 4)).astype(np.float32)

# (id, op written once for `m` = dn.ops or numpy, input). NumPy names match, so one lambda serves both.
CASES: list[tuple[str, Callable[[Any, Any], Any], np.ndarray]] = [
    ("reshape", lambda m, x: m.reshape(x, (4, -1)), X),
    ("reshape_int", lambda m, x: m.reshape(x, 24), X),
    ("transpose_none", lambda m, x: m.transpose(x), X),
    ("transpose_axes", lambda m, x: m.transpose(x, (1, -1, 0)), X),
    ("moveaxis", lambda m, x: m.moveaxis(x, 0, -1), X),
    ("moveaxis_multi", lambda m, x: m.moveaxis(x, (0, 1), (2, 0)), X),
    ("swapaxes", lambda m, x: m.swapaxes(x, 0, 2), X),
    ("expand_dims", lambda m, x: m.expand_dims(x, 1), X),
    ("expand_dims_neg", lambda m, x: m.expand_dims(x, -1), X),
    ("expand_dims_tuple", lambda m, x: m.expand_dims(x, (0, 4)), X),
    ("squeeze_all", lambda m, x: m.squeeze(x), Y),
    ("squeeze_axis", lambda m, x: m.squeeze(x, 1), Y),
    ("squeeze_empty_tuple", lambda m, x: m.squeeze(x, ()), Y),
    ("ravel", lambda m, x: m.ravel(x), X),
    ("concatenate", lambda m, x: m.concatenate([x, x[:, :1]], axis=1), X),
    ("concatenate_neg", lambda m, x: m.concatenate([x, 2 * x], axis=-1), X),
    ("concatenate_none", lambda m, x: m.concatenate([x, x[0]], axis=None), X),
    ("stack", lambda m, x: m.stack([x, x + 1]), X),
    ("stack_last", lambda m, x: m.stack([x, x], axis=-1), X),
    ("split_sections", lambda m, x: m.split(x, 2, axis=-1), X),
    ("split_points", lambda m, x: m.split(x, [1, 3], axis=2), X),
    ("split_points_odd", lambda m, x: m.split(x, [3, -3, 10], axis=2), X),
    ("split_points_array", lambda m, x: m.split(x, np.array([1, 1]), axis=0), X),
    ("tile", lambda m, x: m.tile(x, (2, 1, 3)), X),
    ("tile_short_reps", lambda m, x: m.tile(x, 2), X),
    ("tile_long_reps", lambda m, x: m.tile(x, (2, 1, 1, 2)), X),
    ("repeat_flat", lambda m, x: m.repeat(x, 2), X),
    ("repeat_axis", lambda m, x: m.repeat(x, 3, axis=1), X),
    ("repeat_counts", lambda m, x: m.repeat(x, [1, 0, 2], axis=1), X),
    ("broadcast_to", lambda m, x: m.broadcast_to(x, (3, 2, 3, 4)), Y[:, :, :1].repeat(3, 1)),
    ("broadcast_to_vec", lambda m, x: m.broadcast_to(x, (2, 5)), V),
    ("pad_int", lambda m, x: m.pad(x, 1), X),
    ("pad_pair", lambda m, x: m.pad(x, (1, 2)), X),
    ("pad_per_axis_value", lambda m, x: m.pad(x, ((0, 0), (1, 0), (2, 1)), constant_values=-1.5), X),
    ("pad_int_dtype", lambda m, x: m.pad(x, (2, 1), constant_values=7), V),
    ("pad_reflect", lambda m, x: m.pad(x, ((0, 0), (2, 1), (3, 3)), mode="reflect"), X),
    ("pad_reflect_wide", lambda m, x: m.pad(x, (5, 7), mode="reflect"), X),
    ("pad_reflect_1d", lambda m, x: m.pad(x, (4, 9), mode="reflect"), V),
    ("pad_reflect_size1", lambda m, x: m.pad(x, ((0, 0), (2, 1), (0, 0)), mode="reflect"), Y),
    ("flip_all", lambda m, x: m.flip(x), X),
    ("flip_axis", lambda m, x: m.flip(x, 1), X),
    ("flip_axes", lambda m, x: m.flip(x, (0, -1)), X),
    ("roll_flat", lambda m, x: m.roll(x, 5), X),
    ("roll_axis", lambda m, x: m.roll(x, -1, axis=2), X),
    ("roll_axes", lambda m, x: m.roll(x, (1, 2), axis=(0, 2)), X),
    ("roll_repeated_axis", lambda m, x: m.roll(x, (1, 2), axis=1), X),
]
GRAPH = {"reshape", "transpose_axes", "moveaxis_multi", "expand_dims_tuple", "squeeze_axis", "concatenate_none"}
GRAPH |= {"split_points", "split_points_odd", "tile_long_reps", "repeat_counts", "pad_reflect", "pad_reflect_wide"}
GRAPH |= {"roll_flat", "roll_axes", "flip_axes", "broadcast_to"}


def _check(result: Any, expected: Any) -> None:
    if isinstance(expected, list):
        assert isinstance(result, list) and len(result) == len(expected)
        for r, e in zip(result, expected):
            assert_matches_numpy(r, e)
    else:
        assert_matches_numpy(result, expected)


def _tensordot_all(y: Any, w: np.ndarray) -> Any:
    return dn.ops.tensordot(y, w, axes=w.ndim)


@pytest.mark.parametrize(("name", "fn", "x"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(backend: str, name: str, fn: Callable[[Any, Any], Any], x: np.ndarray) -> None:
    expected = fn(np, x)
    _check(fn(dn.ops, x), expected)
    _check(fn(dn.ops, dn.ops.convert_to_tensor(x)), expected)
    if name in GRAPH:
        _check(B.function(lambda t: fn(dn.ops, t), False)(dn.ops.convert_to_tensor(x)), expected)


FLOAT_CASES = [c for c in CASES if c[2].dtype == np.float32]


@pytest.mark.parametrize(("name", "fn", "x"), FLOAT_CASES, ids=[c[0] for c in FLOAT_CASES])
def test_gradients_flow(backend: str, name: str, fn: Callable[[Any, Any], Any], x: np.ndarray) -> None:
    # Every op here is linear in x, so d sum(w * f(x)) / dx equals NumPy's finite difference exactly.
    outs = fn(np, x)
    outs = outs if isinstance(outs, list) else [outs]
    weights = [RNG.standard_normal(o.shape).astype(np.float32) for o in outs]

    def loss(inputs: list[Any]) -> Any:
        got = fn(dn.ops, inputs[0])
        got = got if isinstance(got, list) else [got]
        total = _tensordot_all(got[0], weights[0])
        for g, w in zip(got[1:], weights[1:]):
            total = total + _tensordot_all(g, w)
        return total

    _, _, (grad,) = B.value_and_grad(loss, [], [dn.ops.convert_to_tensor(x)], False)

    def ref(v: np.ndarray) -> float:
        res = fn(np, v)
        res = res if isinstance(res, list) else [res]
        return float(sum(np.sum(r.astype(np.float64) * w) for r, w in zip(res, weights)))

    expected = np.zeros(x.shape)
    base = ref(np.zeros_like(x, dtype=np.float64))
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x, dtype=np.float64)
        e[i] = 1.0
        expected[i] = ref(e) - base
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-5, atol=1e-5)


def test_concatenate_and_stack_promote(backend: str) -> None:
    a, b = np.ones((2,), np.int32), np.full((2,), 0.5, np.float32)
    assert_matches_numpy(dn.ops.concatenate([a, b]), np.concatenate([a, b]).astype(np.float32))
    assert_matches_numpy(dn.ops.stack([b, b.astype(np.float64)]), np.stack([b, b.astype(np.float64)]))
    assert_matches_numpy(dn.ops.concatenate([a, a.astype(np.int64)]), np.concatenate([a, a.astype(np.int64)]))


def test_views_keep_bool_and_int_dtypes(backend: str) -> None:
    mask = np.array([[True, False, True]])
    assert_matches_numpy(dn.ops.pad(mask, 1), np.pad(mask, 1))
    assert_matches_numpy(dn.ops.tile(mask, (2, 1)), np.tile(mask, (2, 1)))
    assert_matches_numpy(dn.ops.flip(V), np.flip(V))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda: dn.ops.reshape(X, (5, -1)), dn.ShapeError, id="reshape_count"),
        pytest.param(lambda: dn.ops.squeeze(X, 1), dn.ShapeError, id="squeeze_size"),
        pytest.param(lambda: dn.ops.transpose(X, (0, 1, 3)), dn.ArgumentError, id="transpose_axis"),
        pytest.param(lambda: dn.ops.expand_dims(X, 5), dn.ArgumentError, id="expand_dims_axis"),
        pytest.param(lambda: dn.ops.moveaxis(X, (0, 1), 2), dn.ArgumentError, id="moveaxis_lengths"),
        pytest.param(lambda: dn.ops.split(X, 3, axis=-1), dn.ArgumentError, id="split_uneven"),
        pytest.param(lambda: dn.ops.split(X, 2.0), dn.ArgumentError, id="split_float"),
        pytest.param(lambda: dn.ops.concatenate([X, X[:, :, :2]], axis=1), dn.ShapeError, id="concatenate_shapes"),
        pytest.param(lambda: dn.ops.stack([X, X[0]]), dn.ShapeError, id="stack_shapes"),
        pytest.param(lambda: dn.ops.broadcast_to(X, (3, 4)), dn.ShapeError, id="broadcast"),
        pytest.param(lambda: dn.ops.pad(X, 1, mode="mean"), dn.ArgumentError, id="pad_mode"),
        pytest.param(lambda: dn.ops.pad(X, ((1, 1), (2, 2))), dn.ArgumentError, id="pad_width_rank"),
        pytest.param(lambda: dn.ops.pad(X, -1), dn.ArgumentError, id="pad_negative"),
        pytest.param(lambda: dn.ops.pad(X, 1, constant_values=[1, 2]), dn.ArgumentError, id="pad_values"),
        pytest.param(lambda: dn.ops.transpose(X, (0, 0, 1)), dn.ArgumentError, id="transpose_repeat"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


def test_pad_error_names_valid_modes(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="'constant', 'reflect', 'symmetric', 'edge', 'wrap'"):
        dn.ops.pad(X, 1, mode="mean")


def test_transpose_of_a_scalar(backend: str) -> None:
    x = np.float32(3.0)
    assert_matches_numpy(dn.ops.transpose(x), np.transpose(x))
    assert_matches_numpy(dn.ops.transpose(x, ()), np.transpose(x, ()))


def test_split_of_an_empty_axis_gives_every_section(backend: str) -> None:
    x = np.zeros((0, 2), np.float32)
    parts = dn.ops.split(x, 2)
    assert len(parts) == 2
    for part in parts:
        assert_matches_numpy(part, np.zeros((0, 2), np.float32))
