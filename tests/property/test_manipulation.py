"""Properties of shape manipulation and indexing: NumPy's results for random shapes, axes and permutations."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import dualnet as dn
from dualnet.dtypes import result_type
from tests.property.strategies import ALL, PROPS, arrays, assert_matches, shapes, tensor


def _axis(ndim: int, extra: int = 0) -> st.SearchStrategy[int]:
    """An axis of a rank-``ndim`` tensor (``extra`` more for ops that insert one), negative or not."""
    return st.integers(-(ndim + extra), ndim + extra - 1)


@PROPS
@given(data=st.data(), dtype=st.sampled_from(ALL), shape=shapes(max_side=5))
def test_reshape_to_any_regrouping(backend: str, data: st.DataObject, dtype: str, shape: Any) -> None:
    x = data.draw(arrays(dtype, shape), label="x")
    # A new shape with the same count: the sizes shuffled, then neighbours merged at random, maybe one as -1.
    sizes = data.draw(st.permutations(shape), label="order")
    merged: list[int] = []
    for size in sizes:
        if merged and data.draw(st.booleans()):
            merged[-1] *= size
        else:
            merged.append(size)
    if merged and x.size and data.draw(st.booleans(), label="infer one"):
        merged[data.draw(st.integers(0, len(merged) - 1))] = -1
    assert_matches(dn.ops.reshape(tensor(x), tuple(merged)), x.reshape(merged))
    assert_matches(dn.ops.ravel(tensor(x)), x.ravel())


@PROPS
@given(data=st.data(), shape=shapes(max_dims=5))
def test_transpose_moveaxis_swapaxes(backend: str, data: st.DataObject, shape: Any) -> None:
    x = data.draw(arrays("float32", shape), label="x")
    perm = data.draw(st.permutations(range(len(shape))) | st.none(), label="perm")
    assert_matches(dn.ops.transpose(tensor(x), perm), np.transpose(x, perm))
    if shape:
        ndim = len(shape)
        source = data.draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim), label="source")
        destination = data.draw(st.permutations(range(ndim)), label="destination")[: len(source)]
        negative = [a - ndim for a in destination]
        assert_matches(dn.ops.moveaxis(tensor(x), source, negative), np.moveaxis(x, source, destination))
        a, b = data.draw(_axis(ndim), label="a"), data.draw(_axis(ndim), label="b")
        assert_matches(dn.ops.swapaxes(tensor(x), a, b), np.swapaxes(x, a, b))


@PROPS
@given(data=st.data(), shape=shapes(max_dims=3), count=st.integers(1, 4))
def test_concatenate_and_stack_promote(backend: str, data: st.DataObject, shape: Any, count: int) -> None:
    dtypes = data.draw(st.lists(st.sampled_from(ALL), min_size=count, max_size=count), label="dtypes")
    common = result_type(*dtypes)
    same = [data.draw(arrays(d, shape)) for d in dtypes]
    axis = data.draw(_axis(len(shape), extra=1), label="stack axis")
    assert_matches(dn.ops.stack([tensor(a) for a in same], axis=axis), np.stack([a.astype(common) for a in same], axis))
    if not shape:
        return
    along = data.draw(_axis(len(shape)), label="axis")
    parts = []
    for d in dtypes:  # each part has its own size along the axis
        part_shape = list(shape)
        part_shape[along] = data.draw(st.integers(0, 3))
        parts.append(data.draw(arrays(d, tuple(part_shape))))
    expected = np.concatenate([p.astype(common) for p in parts], axis=along)
    assert_matches(dn.ops.concatenate([tensor(p) for p in parts], axis=along), expected)
    flat = np.concatenate([p.astype(common).ravel() for p in parts])
    assert_matches(dn.ops.concatenate([tensor(p) for p in parts], axis=None), flat)


@PROPS
@given(data=st.data(), shape=shapes(max_dims=4, max_side=3))
def test_expand_dims_then_squeeze_round_trips(backend: str, data: st.DataObject, shape: Any) -> None:
    x = data.draw(arrays("int32", shape), label="x")
    out_ndim = len(shape) + data.draw(st.integers(1, 3), label="new axes")
    positions = data.draw(
        st.lists(
            st.integers(0, out_ndim - 1), min_size=out_ndim - len(shape), max_size=out_ndim - len(shape), unique=True
        )
    )
    axis = tuple(p - out_ndim if data.draw(st.booleans()) else p for p in positions)
    expanded = np.expand_dims(x, axis)
    assert_matches(dn.ops.expand_dims(tensor(x), axis), expanded)
    assert_matches(dn.ops.squeeze(tensor(expanded), axis), x)
    assert_matches(dn.ops.squeeze(tensor(expanded)), np.squeeze(expanded))


@PROPS
@given(data=st.data(), dtype=st.sampled_from(ALL), shape=shapes(min_dims=1, max_dims=3), index_shape=shapes(max_dims=2))
def test_take_with_negative_indices(
    backend: str, data: st.DataObject, dtype: str, shape: Any, index_shape: Any
) -> None:
    x = data.draw(arrays(dtype, shape), label="x")
    axis = data.draw(st.none() | _axis(len(shape)), label="axis")
    size = x.size if axis is None else shape[axis]
    if size == 0:
        index_shape = (0,)  # nothing to index: only an empty index is valid
    bound = max(size, 1)
    indices = data.draw(
        hnp.arrays(
            np.dtype(data.draw(st.sampled_from(["int32", "int64"]))),
            index_shape,
            elements=st.integers(-bound, bound - 1),
        ),
        label="indices",
    )
    assert_matches(dn.ops.take(tensor(x), tensor(indices), axis=axis), np.take(x, indices, axis=axis))


@PROPS
@given(
    data=st.data(),
    dtype=st.sampled_from(["int32", "float32", "float64", "uint8"]),
    shape=shapes(min_dims=1, max_dims=3, max_side=5),
)
def test_sort_argsort_and_take_along_axis(backend: str, data: st.DataObject, dtype: str, shape: Any) -> None:
    x = data.draw(arrays(dtype, shape, -3, 3), label="x")  # a narrow range: many ties, to check stability
    axis = data.draw(_axis(len(shape)), label="axis")
    order = np.argsort(x, axis=axis, kind="stable")
    assert_matches(dn.ops.sort(tensor(x), axis=axis), np.sort(x, axis=axis))
    assert_matches(dn.ops.argsort(tensor(x), axis=axis), order.astype(np.int64))
    gathered = dn.ops.take_along_axis(tensor(x), tensor(order), axis=axis)
    assert_matches(gathered, np.take_along_axis(x, order, axis=axis))


@PROPS
@given(data=st.data(), dtype=st.sampled_from(ALL), shape=shapes(max_dims=3))
def test_flip_roll_tile_repeat(backend: str, data: st.DataObject, dtype: str, shape: Any) -> None:
    x = data.draw(arrays(dtype, shape), label="x")
    ndim = len(shape)
    axis = data.draw(st.none() | _axis(ndim), label="axis") if ndim else None
    assert_matches(dn.ops.flip(tensor(x), axis), np.flip(x, axis))
    shift = data.draw(st.integers(-7, 7), label="shift")
    assert_matches(dn.ops.roll(tensor(x), shift, axis), np.roll(x, shift, axis))
    reps = tuple(data.draw(st.lists(st.integers(0, 3), max_size=4), label="reps"))
    assert_matches(dn.ops.tile(tensor(x), reps), np.tile(x, reps))
    repeats = data.draw(st.integers(0, 3), label="repeats")
    assert_matches(dn.ops.repeat(tensor(x), repeats, axis), np.repeat(x, repeats, axis))


@PROPS
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=3, max_side=3))
def test_broadcast_to(backend: str, data: st.DataObject, shapes: Any) -> None:
    x = data.draw(arrays("float32", shapes.input_shapes[0]), label="x")
    assert_matches(dn.ops.broadcast_to(tensor(x), shapes.result_shape), np.broadcast_to(x, shapes.result_shape))


@PROPS
@given(data=st.data(), dtype=st.sampled_from(ALL), shape=shapes(min_dims=1, max_dims=3))
def test_split_into_sections_and_at_points(backend: str, data: st.DataObject, dtype: str, shape: Any) -> None:
    x = data.draw(arrays(dtype, shape), label="x")
    axis = data.draw(_axis(len(shape)), label="axis")
    size = shape[axis]
    points = sorted(data.draw(st.lists(st.integers(0, size), max_size=3), label="points"))
    for got, want in zip(dn.ops.split(tensor(x), points, axis), np.split(x, points, axis), strict=True):
        assert_matches(got, want)
    sections = data.draw(st.sampled_from([d for d in range(1, 5) if size % d == 0]), label="sections")
    for got, want in zip(dn.ops.split(tensor(x), sections, axis), np.split(x, sections, axis), strict=True):
        assert_matches(got, want)
