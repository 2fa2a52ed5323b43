"""append, h/v/dstack, array_split, h/v/dsplit, unstack, meshgrid, rot90, flips, view, rearrange vs NumPy / Keras."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.gradcheck import check_gradients

RNG = np.random.default_rng(7)
A = RNG.standard_normal((2, 3)).astype(np.float32)
V = np.arange(3, dtype=np.int32)
CUBE = RNG.standard_normal((2, 3, 4)).astype(np.float32)

# (id, dualnet call, NumPy call): each returns a tensor or a list of them.
CASES: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
    ("append_flat", lambda: dn.ops.append(A, V), lambda: np.append(A, V.astype(np.float32))),  # dualnet promotion
    ("append_axis", lambda: dn.ops.append(A, A[:1], axis=0), lambda: np.append(A, A[:1], axis=0)),
    ("hstack_1d", lambda: dn.ops.hstack([V, V[:2]]), lambda: np.hstack([V, V[:2]])),
    ("hstack_2d", lambda: dn.ops.hstack([A, A[:, :1]]), lambda: np.hstack([A, A[:, :1]])),
    ("vstack", lambda: dn.ops.vstack([A, V.astype(np.float32)]), lambda: np.vstack([A, V.astype(np.float32)])),
    ("vstack_promote", lambda: dn.ops.vstack([V, V.astype(np.float64)]), lambda: np.vstack([V, V.astype(np.float64)])),
    ("dstack", lambda: dn.ops.dstack([A, A]), lambda: np.dstack([A, A])),
    ("dstack_1d", lambda: dn.ops.dstack([V, V]), lambda: np.dstack([V, V])),
    ("array_split", lambda: dn.ops.array_split(np.arange(7), 3), lambda: np.array_split(np.arange(7), 3)),
    (
        "array_split_points",
        lambda: dn.ops.array_split(CUBE, [1, -1, 9], axis=-1),
        lambda: np.array_split(CUBE, [1, -1, 9], axis=-1),
    ),
    ("hsplit", lambda: dn.ops.hsplit(CUBE, 3), lambda: np.hsplit(CUBE, 3)),
    ("hsplit_1d", lambda: dn.ops.hsplit(np.arange(6), [2]), lambda: np.hsplit(np.arange(6), [2])),
    ("vsplit", lambda: dn.ops.vsplit(CUBE, 2), lambda: np.vsplit(CUBE, 2)),
    ("dsplit", lambda: dn.ops.dsplit(CUBE, [1, 3]), lambda: np.dsplit(CUBE, [1, 3])),
    ("unstack", lambda: dn.ops.unstack(CUBE, axis=-2), lambda: list(np.moveaxis(CUBE, -2, 0))),
    (
        "meshgrid_xy",
        lambda: dn.ops.meshgrid(V, A[0], V[:2]),
        lambda: list(np.meshgrid(V.astype(np.float32), A[0], V[:2].astype(np.float32))),
    ),
    (
        "meshgrid_ij",
        lambda: dn.ops.meshgrid(V, V[:2], indexing="ij"),
        lambda: list(np.meshgrid(V, V[:2], indexing="ij")),
    ),
    ("rot90", lambda: dn.ops.rot90(A), lambda: np.rot90(A)),
    ("rot90_k", lambda: dn.ops.rot90(CUBE, k=3, axes=(2, 0)), lambda: np.rot90(CUBE, k=3, axes=(2, 0))),
    ("rot90_neg", lambda: dn.ops.rot90(CUBE, k=-2, axes=(-1, 1)), lambda: np.rot90(CUBE, k=-2, axes=(-1, 1))),
    ("fliplr", lambda: dn.ops.fliplr(CUBE), lambda: np.fliplr(CUBE)),
    ("flipud", lambda: dn.ops.flipud(V), lambda: np.flipud(V)),
    ("view_int", lambda: dn.ops.view(A, "int32"), lambda: A.view(np.int32)),
    ("view_narrow", lambda: dn.ops.view(A, "int16"), lambda: A.view(np.int16)),
    (
        "view_wide",
        lambda: dn.ops.view(np.arange(4, dtype=np.int16), "int32"),
        lambda: np.arange(4, dtype=np.int16).view(np.int32),
    ),
    (
        "view_bool",
        lambda: dn.ops.view(np.array([0, 1, 1], np.uint8), "bool"),
        lambda: np.array([0, 1, 1], np.uint8).view(bool),
    ),
    ("rearrange_merge", lambda: dn.ops.rearrange(CUBE, "b h w -> b (h w)"), lambda: CUBE.reshape(2, 12)),
    (
        "rearrange_split",
        lambda: dn.ops.rearrange(CUBE, "b h (w c) -> c b w h", c=2),
        lambda: CUBE.reshape(2, 3, 2, 2).transpose(3, 0, 2, 1),
    ),
]


@pytest.mark.parametrize(("name", "op", "ref"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(backend: str, name: str, op: Callable[[], Any], ref: Callable[[], Any]) -> None:
    got, want = op(), ref()
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_matches_numpy(g, w)
    else:
        assert_matches_numpy(got, want)


def test_matches_keras(backend: str) -> None:
    assert_matches_numpy(
        dn.ops.rearrange(CUBE, "b h (w c) -> (b c) h w", w=2),
        keras.ops.convert_to_numpy(keras.ops.rearrange(CUBE, "b h (w c) -> (b c) h w", w=2)),
    )
    assert_matches_numpy(dn.ops.rot90(CUBE, 1, (1, 2)), keras.ops.convert_to_numpy(keras.ops.rot90(CUBE, 1, (1, 2))))


def test_gradients(backend: str) -> None:
    check_gradients(lambda x: dn.ops.rot90(x, 1, (1, 2)), lambda x: np.rot90(x, 1, (1, 2)), [CUBE[:, :2, :3]])
    check_gradients(
        lambda x: dn.ops.rearrange(x, "b h w -> w (b h)"), lambda x: x.transpose(2, 0, 1).reshape(4, 6), [CUBE]
    )
    check_gradients(lambda x, y: dn.ops.hstack([x, y]), lambda x, y: np.hstack([x, y]), [A, A[:, :1]])


def test_graph_mode(backend: str) -> None:
    def step(x: Any) -> Any:
        return dn.ops.rearrange(x, "b h w -> b (w h)"), dn.ops.dstack([x[0], x[1]]), dn.ops.array_split(x, 3, axis=2)

    merged, stacked, parts = dn.function(step)(dn.ops.convert_to_tensor(CUBE))
    assert_matches_numpy(merged, CUBE.transpose(0, 2, 1).reshape(2, 12))
    assert_matches_numpy(stacked, np.dstack([CUBE[0], CUBE[1]]))
    for g, w in zip(parts, np.array_split(CUBE, 3, axis=2)):
        assert_matches_numpy(g, w)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(lambda: dn.ops.vsplit(V, 3), dn.ShapeError, "vsplit: needs a tensor of rank >= 2", id="vsplit"),
        pytest.param(lambda: dn.ops.dsplit(A, 3), dn.ShapeError, "dsplit", id="dsplit"),
        pytest.param(lambda: dn.ops.hsplit(A, 2), dn.ArgumentError, "split", id="hsplit_uneven"),
        pytest.param(lambda: dn.ops.array_split(A, 0), dn.ArgumentError, "array_split", id="array_split_zero"),
        pytest.param(lambda: dn.ops.unstack(A, num=3), dn.ShapeError, "unstack: num=3", id="unstack_num"),
        pytest.param(lambda: dn.ops.meshgrid(V, indexing="yx"), dn.ArgumentError, "indexing", id="meshgrid"),
        pytest.param(lambda: dn.ops.rot90(A, axes=(1, 1)), dn.ArgumentError, "rot90", id="rot90_axes"),
        pytest.param(lambda: dn.ops.rot90(V), dn.ShapeError, "rot90", id="rot90_rank"),
        pytest.param(lambda: dn.ops.fliplr(V), dn.ShapeError, "fliplr", id="fliplr"),
        pytest.param(lambda: dn.ops.view(V, "int64"), dn.ShapeError, "view", id="view_bytes"),
        pytest.param(lambda: dn.ops.rearrange(A, "a b"), dn.ArgumentError, "->", id="rearrange_arrow"),
        pytest.param(lambda: dn.ops.rearrange(A, "a b -> a c"), dn.ArgumentError, "same axes", id="rearrange_names"),
        pytest.param(lambda: dn.ops.rearrange(A, "a -> a"), dn.ShapeError, "rank 2", id="rearrange_rank"),
        pytest.param(
            lambda: dn.ops.rearrange(A, "a (b c) -> a b c"), dn.ArgumentError, "all but one", id="rearrange_sizes"
        ),
        pytest.param(
            lambda: dn.ops.rearrange(A, "a (b c) -> a b c", b=2), dn.ShapeError, "cannot be split", id="rearrange_split"
        ),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
