"""conv, depthwise_conv, conv_transpose, max_pool and avg_pool against NumPy references, on both backends."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy

RNG = np.random.default_rng(0)


def _rand(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype("float32")


def _per_dim(value: Any, n: int) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, tuple) else (value,) * n


# --- NumPy references: slow, obvious, float64 -------------------------------------------------------


def _same_pads(sizes: tuple[int, ...], ks: tuple[int, ...], strides: tuple[int, ...], dilation: tuple[int, ...]):
    """TensorFlow's "same": ceil(size / stride) outputs, an odd extra padded cell at the end."""
    pads = []
    for size, k, s, d in zip(sizes, ks, strides, dilation):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _windows(xp: np.ndarray, ks, strides, dilation):
    """Yield (kernel offset, strided view of the padded input for that offset) for every kernel offset."""
    out = [(size - (k - 1) * d - 1) // s + 1 for size, k, s, d in zip(xp.shape[1:-1], ks, strides, dilation)]
    for offset in itertools.product(*(range(k) for k in ks)):
        index = tuple(slice(o * d, o * d + (m - 1) * s + 1, s) for o, d, m, s in zip(offset, dilation, out, strides))
        yield offset, xp[(slice(None), *index)]


def ref_conv(x, kernel, strides=1, padding="valid", dilation=1, groups=1):
    x, kernel = np.asarray(x, "float64"), np.asarray(kernel, "float64")
    n = x.ndim - 2
    ks, strides, dilation = kernel.shape[:n], _per_dim(strides, n), _per_dim(dilation, n)
    pads = _same_pads(x.shape[1:-1], ks, strides, dilation) if padding == "same" else [(0, 0)] * n
    xp = np.pad(x, [(0, 0), *pads, (0, 0)])
    c_in, c_out = kernel.shape[-2], kernel.shape[-1]
    total = 0.0
    for offset, view in _windows(xp, ks, strides, dilation):
        grouped = view.reshape(*view.shape[:-1], groups, c_in)
        weight = kernel[offset].reshape(c_in, groups, c_out // groups)
        part = np.einsum("...gi,igo->...go", grouped, weight)
        total = total + part.reshape(*part.shape[:-2], c_out)
    return total


def ref_depthwise(x, kernel, strides=1, padding="valid", dilation=1):
    channels, multiplier = kernel.shape[-2:]
    outs = [
        ref_conv(x[..., c : c + 1], kernel[..., c : c + 1, m : m + 1], strides, padding, dilation)
        for c in range(channels)
        for m in range(multiplier)
    ]
    return np.concatenate(outs, axis=-1)  # channel c * multiplier + m


def ref_conv_transpose(x, kernel, strides=1, padding="valid", output_padding=None, dilation=1):
    """Scatter every input cell through the kernel, then cut the window Keras' JAX backend pads to."""
    x, kernel = np.asarray(x, "float64"), np.asarray(kernel, "float64")
    n = x.ndim - 2
    ks, strides, dilation = kernel.shape[:n], _per_dim(strides, n), _per_dim(dilation, n)
    output_padding = _per_dim(output_padding, n)
    sizes = x.shape[1:-1]
    full_sizes = [(i - 1) * s + (k - 1) * d + 1 for i, k, s, d in zip(sizes, ks, strides, dilation)]
    full = np.zeros((x.shape[0], *full_sizes, kernel.shape[-1]))
    for offset in itertools.product(*(range(k) for k in ks)):
        index = tuple(slice(o * d, o * d + (i - 1) * s + 1, s) for o, d, i, s in zip(offset, dilation, sizes, strides))
        full[(slice(None), *index)] += np.einsum("...i,io->...o", x, kernel[offset])
    cuts = []
    for k, s, d, op in zip(ks, strides, dilation, output_padding):
        ke = (k - 1) * d + 1
        # keras.src.backend.common.backend_utils._convert_conv_transpose_padding_args_from_keras_to_jax
        if padding == "valid":
            left, right = ke - 1, ke - 1 + (max(ke, s) - ke if op is None else op)
        else:
            pad_len = s + ke - 2 if op is None else ke + ke % 2 - 2 + op
            left = min(pad_len // 2 + pad_len % 2, ke - 1)
            right = pad_len - left
        cuts.append((ke - 1 - left, ke - 1 - right))
    # A negative cut extends the output with zeros.
    full = np.pad(full, [(0, 0), *((max(-a, 0), max(-b, 0)) for a, b in cuts), (0, 0)])
    index = tuple(slice(max(a, 0), size - max(b, 0)) for (a, b), size in zip(cuts, full.shape[1:-1]))
    return full[(slice(None), *index)]


def ref_pool(x, pool_size, strides=None, padding="valid", reduce=np.nanmax):
    """Padded cells are NaN, so both reductions see only the real cells of each window."""
    x = np.asarray(x, "float64")
    n = x.ndim - 2
    ks = _per_dim(pool_size, n)
    strides = ks if strides is None else _per_dim(strides, n)
    ones = (1,) * n
    pads = _same_pads(x.shape[1:-1], ks, strides, ones) if padding == "same" else [(0, 0)] * n
    xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=np.nan)
    return reduce(np.stack([view for _, view in _windows(xp, ks, strides, ones)]), axis=0)


def ref_avg_pool(x, pool_size, strides=None, padding="valid"):
    return ref_pool(x, pool_size, strides, padding, reduce=np.nanmean)


def _check(result: Any, expected: np.ndarray) -> None:
    assert_matches_numpy(result, expected.astype("float32"), rtol=1e-5, atol=1e-5)


# --- forward values ----------------------------------------------------------------------------------

# (x shape, kernel spatial, out channels, kwargs)
CONV_CASES = [
    ((2, 9, 3), (3,), 5, {}),
    ((2, 9, 3), (3,), 5, {"padding": "same"}),
    ((2, 9, 3), (3,), 5, {"strides": 2, "padding": "same"}),
    ((2, 9, 3), (4,), 5, {"strides": 2, "padding": "same"}),  # odd total padding
    ((2, 9, 3), (3,), 5, {"dilation": 2, "padding": "same"}),
    ((2, 9, 4), (3,), 6, {"groups": 2, "padding": "same"}),
    ((2, 7, 6, 4), (3, 3), 5, {}),
    ((2, 7, 6, 4), (3, 3), 5, {"padding": "same"}),
    ((2, 7, 6, 4), (3, 3), 5, {"strides": 2}),
    ((2, 7, 6, 4), (3, 3), 5, {"strides": 2, "padding": "same"}),  # odd total padding along W
    ((2, 7, 6, 4), (2, 3), 5, {"padding": "same"}),  # odd total padding along H
    ((2, 7, 6, 4), (4, 4), 5, {"padding": "SAME"}),
    ((2, 7, 6, 4), (3, 3), 5, {"strides": (2, 1), "padding": "same"}),
    ((2, 7, 6, 4), (3, 3), 5, {"dilation": 2}),
    ((2, 7, 6, 4), (3, 3), 5, {"dilation": (2, 1), "padding": "same"}),
    ((2, 7, 6, 4), (3, 3), 5, {"dilation": 2, "strides": 2, "padding": "same"}),
    ((2, 7, 6, 4), (3, 3), 6, {"groups": 2}),
    ((2, 7, 6, 4), (3, 3), 6, {"groups": 2, "strides": 2, "padding": "same"}),
    ((1, 5, 4, 5, 4), (3, 3, 3), 4, {"padding": "same", "strides": 2}),
    ((1, 5, 4, 5, 4), (2, 3, 2), 4, {"groups": 2, "padding": "same"}),
]


@pytest.mark.parametrize(("x_shape", "ks", "c_out", "kwargs"), CONV_CASES)
def test_conv_matches_reference(backend: str, x_shape, ks, c_out, kwargs) -> None:
    x = _rand(*x_shape)
    kernel = _rand(*ks, x_shape[-1] // kwargs.get("groups", 1), c_out)
    expected = ref_conv(x, kernel, **{**kwargs, "padding": kwargs.get("padding", "valid").lower()})
    _check(dn.ops.conv(x, kernel, **kwargs), expected)


@pytest.mark.parametrize(("x_shape", "ks", "c_out", "kwargs"), [CONV_CASES[0], CONV_CASES[3], CONV_CASES[-1]])
def test_conv_adds_its_bias_per_output_channel(backend: str, x_shape, ks, c_out, kwargs) -> None:
    x = _rand(*x_shape)
    kernel = _rand(*ks, x_shape[-1] // kwargs.get("groups", 1), c_out)
    bias = _rand(c_out)
    expected = ref_conv(x, kernel, **{**kwargs, "padding": kwargs.get("padding", "valid").lower()}) + bias
    _check(dn.ops.conv(x, kernel, **kwargs, bias=bias), expected)
    with pytest.raises(dn.ShapeError, match=rf"bias must have shape \({c_out},\)"):
        dn.ops.conv(x, kernel, **kwargs, bias=_rand(c_out + 1))


DEPTHWISE_CASES = [
    ((2, 9, 3), (3,), {}),
    ((2, 9, 3), (4,), {"strides": 2, "padding": "same"}),
    ((2, 7, 6, 3), (3, 3), {}),
    ((2, 7, 6, 3), (3, 3), {"padding": "same"}),
    ((2, 7, 6, 3), (3, 2), {"strides": 2, "padding": "same"}),
    ((2, 7, 6, 3), (3, 3), {"dilation": 2, "padding": "same"}),
]


@pytest.mark.parametrize(("x_shape", "ks", "kwargs"), DEPTHWISE_CASES)
def test_depthwise_conv_matches_reference(backend: str, x_shape, ks, kwargs) -> None:
    x, kernel = _rand(*x_shape), _rand(*ks, x_shape[-1], 2)  # multiplier 2
    _check(dn.ops.depthwise_conv(x, kernel, **kwargs), ref_depthwise(x, kernel, **kwargs))


# (x shape, kernel spatial, out channels, kwargs, expected spatial output shape per Keras)
TRANSPOSE_CASES = [
    ((2, 5, 3), (3,), 4, {}, (7,)),
    ((2, 5, 3), (3,), 4, {"strides": 2}, (11,)),
    ((2, 5, 3), (3,), 4, {"padding": "same"}, (5,)),
    ((2, 5, 3), (3,), 4, {"strides": 2, "padding": "same"}, (10,)),
    ((2, 5, 3), (1,), 4, {"strides": 2}, (10,)),  # kernel smaller than stride: Keras adds a zero cell
    ((2, 4, 5, 3), (3, 3), 4, {}, (6, 7)),
    ((2, 4, 5, 3), (3, 3), 4, {"strides": 2}, (9, 11)),
    ((2, 4, 5, 3), (3, 3), 4, {"padding": "same"}, (4, 5)),
    ((2, 4, 5, 3), (3, 3), 4, {"strides": 2, "padding": "same"}, (8, 10)),
    ((2, 4, 5, 3), (4, 2), 4, {"strides": 2, "padding": "same"}, (8, 10)),
    ((2, 4, 5, 3), (2, 2), 4, {"strides": 2, "padding": "same", "output_padding": 0}, (6, 8)),
    ((2, 4, 5, 3), (3, 3), 4, {"strides": 2, "output_padding": 1}, (10, 12)),
    ((2, 4, 5, 3), (3, 3), 4, {"strides": 2, "padding": "same", "output_padding": (1, 0)}, (8, 9)),
    ((2, 4, 5, 3), (3, 3), 4, {"dilation": 2, "padding": "same"}, (4, 5)),
    ((2, 4, 5, 3), (3, 2), 4, {"dilation": 2, "strides": 2}, (11, 11)),
    ((1, 3, 2, 3, 2), (3, 3, 3), 3, {"strides": 2, "padding": "same"}, (6, 4, 6)),
]


@pytest.mark.parametrize(("x_shape", "ks", "c_out", "kwargs", "out_spatial"), TRANSPOSE_CASES)
def test_conv_transpose_matches_reference(backend: str, x_shape, ks, c_out, kwargs, out_spatial) -> None:
    x, kernel = _rand(*x_shape), _rand(*ks, x_shape[-1], c_out)
    expected = ref_conv_transpose(x, kernel, **kwargs)
    assert expected.shape == (x_shape[0], *out_spatial, c_out)
    _check(dn.ops.conv_transpose(x, kernel, **kwargs), expected)


def test_conv_transpose_is_the_adjoint_of_conv(backend: str) -> None:
    # <conv_transpose(y, k), x> == <y, conv(x, k)> with k's channel axes swapped.
    x, y, kernel = _rand(1, 8, 7, 3), _rand(1, 4, 4, 5), _rand(3, 3, 5, 3)
    forward = dn.ops.to_numpy(dn.ops.conv(x, np.swapaxes(kernel, -1, -2), strides=2, padding="same"))
    back = dn.ops.to_numpy(dn.ops.conv_transpose(y, kernel, strides=2, padding="same", output_padding=(1, 0)))
    np.testing.assert_allclose(np.vdot(back, x), np.vdot(y, forward), rtol=1e-5)


POOL_CASES = [
    ((2, 9, 3), 2, None, "valid"),
    ((2, 9, 3), 3, 2, "same"),
    ((2, 9, 3), 2, 1, "same"),  # odd total padding
    ((2, 7, 6, 3), 2, None, "valid"),
    ((2, 7, 6, 3), 3, 2, "valid"),
    ((2, 7, 6, 3), 2, None, "same"),  # odd total padding along H
    ((2, 7, 6, 3), 3, 2, "same"),
    ((2, 7, 6, 3), 3, 1, "same"),
    ((2, 7, 6, 3), (2, 3), (1, 2), "same"),
    ((1, 5, 4, 3, 2), 2, None, "same"),
]


@pytest.mark.parametrize(("op", "ref"), [(dn.ops.max_pool, ref_pool), (dn.ops.avg_pool, ref_avg_pool)])
@pytest.mark.parametrize(("x_shape", "pool_size", "strides", "padding"), POOL_CASES)
def test_pool_matches_reference(backend: str, op, ref, x_shape, pool_size, strides, padding) -> None:
    x = _rand(*x_shape)
    _check(op(x, pool_size, strides, padding), ref(x, pool_size, strides, padding))


# --- dtypes, layouts, errors ---------------------------------------------------------------------


def test_float64_and_mixed_dtypes_promote(backend: str) -> None:
    x, kernel = _rand(1, 5, 5, 2), _rand(3, 3, 2, 3)
    expected = ref_conv(x, kernel, padding="same")
    assert_matches_numpy(dn.ops.conv(x, kernel.astype("float64"), padding="same"), expected, rtol=1e-5, atol=1e-5)
    assert_matches_numpy(dn.ops.max_pool(x.astype("float64"), 2), ref_pool(x, 2))


def test_outputs_are_contiguous_channels_last_on_torch(torch_backend: str) -> None:
    # No layout copy around the kernels: the result is already a contiguous (N, *S, C) tensor.
    x2, x1 = dn.ops.convert_to_tensor(_rand(2, 8, 8, 4)), dn.ops.convert_to_tensor(_rand(2, 8, 4))
    outputs = [
        dn.ops.conv(x2, _rand(3, 3, 4, 6), padding="same"),
        dn.ops.conv(x2, _rand(3, 3, 2, 6), strides=2, groups=2),
        dn.ops.depthwise_conv(x2, _rand(3, 3, 4, 2)),
        dn.ops.conv_transpose(x2, _rand(3, 3, 4, 5), strides=2),
        dn.ops.max_pool(x2, 2),
        dn.ops.avg_pool(x2, 3, 2, "same"),
        dn.ops.conv(x1, _rand(3, 4, 6), padding="same"),
        dn.ops.max_pool(x1, 2),
    ]
    assert all(y.is_contiguous() for y in outputs)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: dn.ops.conv(_rand(1, 5, 5, 3), _rand(3, 3, 3, 2), padding="full"), dn.ArgumentError, "padding="),
        (lambda: dn.ops.max_pool(_rand(1, 5, 5, 3), 2, padding="causal"), dn.ArgumentError, "'valid', 'same'"),
        (lambda: dn.ops.conv(_rand(1, 5, 5, 3), _rand(3, 3, 4, 2)), dn.ShapeError, "expects in_channels"),
        (lambda: dn.ops.conv(_rand(1, 5, 5, 4), _rand(3, 3, 4, 2), groups=2), dn.ShapeError, "in_channels"),
        (lambda: dn.ops.conv(_rand(1, 5, 5, 4), _rand(3, 3, 2, 3), groups=2), dn.ShapeError, "divisible"),
        (lambda: dn.ops.conv(_rand(5, 3), _rand(3, 3, 2)), dn.ShapeError, "(N, W, C)"),
        (lambda: dn.ops.conv(_rand(1, 5, 5, 3), _rand(3, 3, 2)), dn.ShapeError, "rank 4"),
        (lambda: dn.ops.conv(_rand(1, 5, 5, 3), _rand(3, 3, 3, 2), strides=(1, 1, 1)), dn.ArgumentError, "strides"),
        (lambda: dn.ops.conv(_rand(1, 5, 5, 3), _rand(3, 3, 3, 2), dilation=0), dn.ArgumentError, "dilation"),
        (lambda: dn.ops.conv(np.ones((1, 5, 5, 3), "int64"), _rand(3, 3, 3, 2)), dn.DTypeError, "cast"),
        (lambda: dn.ops.depthwise_conv(_rand(1, 5, 5, 3), _rand(3, 3, 2, 2)), dn.ShapeError, "multiplier"),
        (
            lambda: dn.ops.conv_transpose(_rand(1, 4, 3), _rand(3, 3, 2), 2, output_padding=2),
            dn.ArgumentError,
            "stride",
        ),
        (lambda: dn.ops.conv_transpose(_rand(1, 4, 3), _rand(3, 2, 2)), dn.ShapeError, "in_channels"),
        (lambda: dn.ops.avg_pool(_rand(1, 5, 5, 3), (2, 2, 2)), dn.ArgumentError, "pool_size"),
    ],
)
def test_bad_arguments_raise_dualnet_errors(backend: str, call: Callable[[], Any], error: type, words: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


# --- gradients and graph mode --------------------------------------------------------------------


def _sum_of_squares(y: Any) -> Any:
    # sum(y**2) through a "valid" conv whose all-ones kernel covers y: keeps this file on conv ops alone.
    shape = dn.ops.shape(y)
    return dn.ops.conv(y * y, np.ones((*shape[1:-1], shape[-1], 1), dn.ops.dtype(y)))


def _numeric_grads(f: Callable[..., float], arrays: list[np.ndarray], h: float = 1e-3) -> list[np.ndarray]:
    """Central differences in float64: exact (to round-off) for the quadratic losses used here."""
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a, dtype="float64")
        for idx in np.ndindex(a.shape):
            plus = [b.astype("float64") for b in arrays]
            minus = [b.astype("float64") for b in arrays]
            plus[i][idx] += h
            minus[i][idx] -= h
            g[idx] = (f(*plus) - f(*minus)) / (2 * h)
        grads.append(g)
    return grads


GRAD_CASES = [
    (dn.ops.conv, ref_conv, (1, 5, 4, 2), (3, 2, 2, 2), {"strides": 2, "padding": "same"}),
    (dn.ops.conv, ref_conv, (1, 6, 2), (3, 2, 2), {"dilation": 2, "padding": "same"}),
    (dn.ops.depthwise_conv, ref_depthwise, (1, 4, 4, 2), (2, 2, 2, 2), {"padding": "same"}),
    (dn.ops.conv_transpose, ref_conv_transpose, (1, 3, 3, 2), (3, 3, 2, 2), {"strides": 2, "padding": "same"}),
]


@pytest.mark.parametrize(("op", "ref", "x_shape", "k_shape", "kwargs"), GRAD_CASES)
def test_conv_gradients_match_finite_differences(backend: str, op, ref, x_shape, k_shape, kwargs) -> None:
    x, kernel = _rand(*x_shape), _rand(*k_shape)
    inputs = [dn.ops.convert_to_tensor(x), dn.ops.convert_to_tensor(kernel)]
    _, _, grads = B.value_and_grad(lambda t: _sum_of_squares(op(t[0], t[1], **kwargs)), [], inputs, False)
    expected = _numeric_grads(lambda a, b: float(np.sum(ref(a, b, **kwargs) ** 2)), [x, kernel])
    for got, want in zip(grads, expected):
        _check(got, want)


@pytest.mark.parametrize(("op", "ref"), [(dn.ops.max_pool, ref_pool), (dn.ops.avg_pool, ref_avg_pool)])
def test_pool_gradients_match_finite_differences(backend: str, op, ref) -> None:
    x = _rand(1, 5, 4, 2)
    inputs = [dn.ops.convert_to_tensor(x)]
    _, _, (grad,) = B.value_and_grad(lambda t: _sum_of_squares(op(t[0], 2, 1, "same")), [], inputs, False)
    (expected,) = _numeric_grads(lambda a: float(np.sum(ref(a, 2, 1, "same") ** 2)), [x], h=1e-4)
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-4, atol=1e-4)


GRAPH_CASES = [
    (
        lambda x: dn.ops.conv(x, np.ones((3, 3, 3, 2), "float32"), 2, "same"),
        lambda x: ref_conv(x, np.ones((3, 3, 3, 2)), 2, "same"),
    ),
    (
        lambda x: dn.ops.depthwise_conv(x, np.ones((2, 2, 3, 2), "float32"), 1, "same"),
        lambda x: ref_depthwise(x, np.ones((2, 2, 3, 2)), 1, "same"),
    ),
    (
        lambda x: dn.ops.conv_transpose(x, np.ones((2, 2, 3, 2), "float32"), 2, "same", 0),
        lambda x: ref_conv_transpose(x, np.ones((2, 2, 3, 2)), 2, "same", 0),
    ),
    (lambda x: dn.ops.max_pool(x, 2, 1, "same"), lambda x: ref_pool(x, 2, 1, "same")),
    (lambda x: dn.ops.avg_pool(x, 3, 2, "same"), lambda x: ref_avg_pool(x, 3, 2, "same")),
]


@pytest.mark.parametrize(("fn", "ref"), GRAPH_CASES)
def test_graph_mode(backend: str, fn, ref) -> None:
    x = _rand(2, 5, 6, 3)
    _check(B.function(fn, False)(dn.ops.convert_to_tensor(x)), ref(x))


@pytest.mark.parametrize(
    "call",
    [
        lambda: dn.ops.conv(_rand(1, 2, 2, 1), _rand(3, 3, 1, 1)),
        lambda: dn.ops.conv(_rand(1, 4, 4, 1), _rand(2, 2, 1, 1), dilation=4),
        lambda: dn.ops.depthwise_conv(_rand(1, 2, 2, 1), _rand(3, 3, 1, 1)),
        lambda: dn.ops.max_pool(_rand(1, 2, 2, 1), 3),
        lambda: dn.ops.avg_pool(_rand(1, 2, 2, 1), 3),
        lambda: dn.ops.avg_pool(_rand(1, 2, 1), 3),
    ],
)
def test_valid_window_larger_than_input_is_a_shape_error(backend: str, call: Callable[[], Any]) -> None:
    # TensorFlow would return a wrongly shaped or empty result and torch a raw error: both say the same here.
    with pytest.raises(dn.ShapeError, match=r"smaller than the window .* use padding='same'"):
        call()
