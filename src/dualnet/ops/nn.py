"""Neural-network ops: activations, softmax, linear, dropout, embedding, normalisation, cross-entropy, CTC.

Names and defaults follow ``keras.ops`` where NumPy has none. Activations are
elementwise (output shape = input shape); all but ``relu`` and ``relu6`` turn
integer inputs into float32. Layouts are channels-last: normalisation
parameters broadcast on the last axis. Cross-entropies are reduction-free:
one value per example.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, DualnetError, ShapeError

__all__ = [
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "sigmoid",
    "hard_sigmoid",
    "softplus",
    "softsign",
    "log_sigmoid",
    "softmax",
    "log_softmax",
    "linear",
    "dropout",
    "embedding",
    "moments",
    "batch_norm",
    "layer_norm",
    "group_norm",
    "softmax_cross_entropy",
    "sigmoid_cross_entropy",
    "ctc_loss",
]

Tensor = Any
Axes = int | Sequence[int] | None


# ---------------------------------------------------------------- activations


def relu(x: Any) -> Tensor:
    """``max(x, 0)`` elementwise; same shape and dtype (integers stay integers).

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.relu(x)


def relu6(x: Any) -> Tensor:
    """``min(max(x, 0), 6)`` elementwise; same shape and dtype (integers stay integers).

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.relu6(x)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """``x`` where ``x >= 0``, else ``negative_slope * x``; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.leaky_relu(x, negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.elu(x, alpha)


def selu(x: Any) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants (alpha 1.6733, scale 1.0507); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.selu(x)


def gelu(x: Any, approximate: bool = False) -> Tensor:
    """``x * Phi(x)`` with the exact erf form, or the tanh approximation when ``approximate``; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.gelu(x, approximate)


def silu(x: Any) -> Tensor:
    """``x * sigmoid(x)`` (swish); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.silu(x)


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sigmoid(x)


def hard_sigmoid(x: Any) -> Tensor:
    """``relu6(x + 3) / 6`` (the Keras 3 and PyTorch definition); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.hard_sigmoid(x)


def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``, computed without overflow; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.softplus(x)


def softsign(x: Any) -> Tensor:
    """``x / (1 + |x|)``; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.softsign(x)


def log_sigmoid(x: Any) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log_sigmoid(x)


def softmax(x: Any, axis: int | Sequence[int] = -1) -> Tensor:
    """``exp(x) / sum(exp(x), axis)``, stable for large logits; same shape. ``axis`` may be a tuple.

    Raises:
        ShapeError: ``axis`` is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.softmax(x, axis)


def log_softmax(x: Any, axis: int | Sequence[int] = -1) -> Tensor:
    """``x - logsumexp(x, axis)``, stable for large logits; same shape. ``axis`` may be a tuple.

    Raises:
        ShapeError: ``axis`` is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log_softmax(x, axis)


# ---------------------------------------------------------------- linear, dropout, embedding


def linear(x: Any, kernel: Any, bias: Any = None) -> Tensor:
    """The Dense transform ``x @ kernel + bias``.

    ``x`` (..., in), ``kernel`` (in, out), ``bias`` (out,) or None -> (..., out).
    Raises ShapeError when the last dimension of ``x`` is not ``in``.

    Raises:
        ShapeError: the last dimension of ``x`` is not the kernel's ``in``.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.linear(x, kernel, bias)


def dropout(x: Any, rate: float, training: bool = True, seed: int | None = None) -> Tensor:
    """Inverted dropout: each element is zeroed with probability ``rate``, kept ones scaled by ``1 / (1 - rate)``.

    Same shape as ``x``. The identity when ``training`` is False or ``rate`` is 0.
    ``seed=None`` draws from the framework's generator (seeded by ``dn.seed``);
    an int gives the same mask on every call with that seed and shape. Masks
    differ between backends; the distribution is the same.

    Raises:
        ArgumentError: ``rate`` is not a number in ``[0, 1)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    rate = check_probability("dropout", "rate", rate, high_open=True, example="0.1, the fraction of inputs to drop")
    seed = check_int("dropout", "seed", seed, low=0, or_none=True, example="seed=0")
    return B.dropout(x, rate, check_bool("dropout", "training", training), seed)


def embedding(table: Any, ids: Any) -> Tensor:
    """Rows of ``table`` (vocab, dim) picked by integer ``ids`` of any shape -> (*ids.shape, dim).

    Differentiable with respect to ``table`` (sparse gradients on TensorFlow are
    densified by ``dn.value_and_grad``).

    Raises:
        DTypeError: ``ids`` are not integers, or ``table`` is not numeric.
        ArgumentError: an id is outside ``[0, vocab)``.
    """
    return B.embedding(table, ids)


# ---------------------------------------------------------------- normalisation


def moments(x: Any, axes: Axes, keepdims: bool = False) -> tuple[Tensor, Tensor]:
    """``(mean, variance)`` of ``x`` over ``axes`` (None: all), population variance (ddof=0).

    Both have ``x``'s shape with ``axes`` removed (kept as size 1 when ``keepdims``);
    integer inputs give float32.

    Raises:
        ShapeError: an axis in ``axes`` is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.moments(x, axes, keepdims)


def batch_norm(
    x: Any, mean: Any, variance: Any, *, scale: Any = None, offset: Any = None, epsilon: float = 1e-3
) -> Tensor:
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``; same shape as ``x``.

    ``x`` is (N, ..., C); ``mean``, ``variance``, ``scale``, ``offset`` are (C,)
    (or anything broadcasting against ``x`` on its last axis); ``scale`` and
    ``offset`` may be None (1 and 0). ``scale``, ``offset`` and ``epsilon`` are
    keyword-only, as in every normalisation op.

    Raises:
        DTypeError: an operand is not numeric or boolean.
    """
    return B.batch_norm(x, mean, variance, scale=scale, offset=offset, epsilon=epsilon)


def layer_norm(
    x: Any, axis: int | Sequence[int] = -1, *, scale: Any = None, offset: Any = None, epsilon: float = 1e-5
) -> Tensor:
    """``x`` normalised to zero mean and unit variance over ``axis``, then ``* scale + offset``; same shape.

    ``axis`` is the trailing axis or a tuple of trailing axes (other axes work
    too, more slowly on torch); ``scale`` and ``offset`` (keyword-only) have the
    normalised axes' shape (e.g. (C,)) or broadcast against ``x``, or are None.

    Raises:
        ShapeError: ``axis`` is out of range, or ``scale``/``offset`` do not fit the normalised axes.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    try:
        return B.layer_norm(x, axis, scale=scale, offset=offset, epsilon=epsilon)
    except DualnetError:
        raise
    except Exception as err:
        _check_affine("layer_norm", x, axis, {"scale": scale, "offset": offset}, err)
        raise


def _check_affine(op: str, x: Any, axis: Any, params: dict[str, Any], err: Exception) -> None:
    """After a failure: ShapeError, from ``err``, if a scale or offset cannot broadcast to the normalised axes."""
    shape = tuple(B.shape(x))
    axes = sorted(a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)) if shape else []
    normalised = tuple(shape[a] for a in axes)
    for name, value in params.items():
        if value is None:
            continue
        got = tuple(B.shape(value))
        try:
            np.broadcast_shapes(got, normalised)
        except ValueError:
            raise ShapeError(
                f"{op}: {name} has shape {got} but x of shape {shape} is normalised over axes {tuple(axes)} of "
                f"sizes {normalised}; pass a {name} of shape {normalised}"
            ) from err


def group_norm(x: Any, groups: int, *, scale: Any = None, offset: Any = None, epsilon: float = 1e-5) -> Tensor:
    """Group normalisation of channels-last ``x`` (N, ..., C); same shape.

    The C channels are split into ``groups`` consecutive groups; each example's
    group is normalised over its spatial positions and channels, then
    ``* scale + offset`` with ``scale``, ``offset`` (keyword-only) of shape (C,) or None.
    C must be divisible by ``groups``.

    Raises:
        ShapeError: ``x`` is not (N, ..., C) with C divisible by ``groups``.
        ArgumentError: ``groups`` is not a positive int.
    """
    groups = check_int("group_norm", "groups", groups, low=1, example="groups=32")
    return B.group_norm(x, groups, scale=scale, offset=offset, epsilon=epsilon)


# ---------------------------------------------------------------- cross-entropy


def softmax_cross_entropy(logits: Any, labels: Any, axis: int = -1) -> Tensor:
    """``-sum(labels * log_softmax(logits, axis), axis)``: one loss per example, no reduction.

    ``logits`` has the classes on ``axis``, e.g. (N, C). ``labels`` are either
    integer class ids with ``logits``' shape minus ``axis`` (e.g. (N,)), or float
    probabilities with ``logits``' shape. Returns ``logits``' shape minus ``axis``.

    Raises:
        ShapeError: ``labels`` do not have a shape described above, or ``axis`` is out of range.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.softmax_cross_entropy(logits, labels, axis)


def sigmoid_cross_entropy(logits: Any, labels: Any) -> Tensor:
    """``-labels * log(sigmoid(logits)) - (1 - labels) * log(1 - sigmoid(logits))``, elementwise and stable.

    ``labels`` (floats or 0/1 integers) have ``logits``' shape; so does the result.

    Raises:
        ShapeError: ``labels`` do not have ``logits``' shape.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.sigmoid_cross_entropy(logits, labels)


def ctc_loss(target: Any, output: Any, target_length: Any, output_length: Any, mask_index: int = 0) -> Tensor:
    """The CTC loss (negative log-likelihood) of each label sequence; ``keras.ops.ctc_loss``'s arguments.

    ``target`` (N, L) holds integer class ids, the first ``target_length[i]``
    of row ``i`` being its labels (never ``mask_index``, the blank; the rest is
    padding). ``output`` (N, T, C) holds logits, normalised here by a log-softmax
    over the classes (log-probabilities pass unchanged); the first
    ``output_length[i]`` steps of row ``i`` count. Returns (N,) in ``output``'s
    float dtype (float32 for 16-bit floats), ``inf`` where no alignment fits the
    steps. Computed in float64 on both backends; on TensorFlow under XLA
    (``jit=True``) in float32, as XLA has no CTC kernel.

    Raises:
        ShapeError: ``output`` is not rank 3, ``target`` not rank 2, or the lengths are not of shape (N,).
        ArgumentError: ``mask_index`` is not an int in [0, C); in eager mode also labels outside [0, C) or
            lengths outside [0, L] and [0, T].
    """
    mask_index = check_int("ctc_loss", "mask_index", mask_index, low=0, example="mask_index=0")
    output, target = B.convert_to_tensor(output), B.convert_to_tensor(target)
    target_length, output_length = B.convert_to_tensor(target_length), B.convert_to_tensor(output_length)
    shape, labels_shape = tuple(B.shape(output)), tuple(B.shape(target))
    lengths_shapes = [tuple(B.shape(x)) for x in (target_length, output_length)]
    batches = {size for size in (shape[:1] + labels_shape[:1] + sum(lengths_shapes, ())) if size is not None}
    if len(shape) != 3 or len(labels_shape) != 2 or any(len(s) != 1 for s in lengths_shapes) or len(batches) > 1:
        raise ShapeError(
            f"ctc_loss: expected output (logits) of shape (N, T, C), target (N, L) and both lengths (N,), got "
            f"{shape}, {labels_shape}, {lengths_shapes[0]} and {lengths_shapes[1]}; pass one row of labels and "
            "one length of each per sequence"
        )
    if shape[2] is not None and mask_index >= shape[2]:
        raise ArgumentError(f"ctc_loss: mask_index={mask_index} is not a class of output's {shape[2]}; pass e.g. 0")
    if not B.is_tracing() and shape[0]:
        _check_ctc_values(target, target_length, output_length, (shape[1], shape[2], labels_shape[1]))
    return B.ctc_loss(target, output, target_length, output_length, mask_index)


def _check_ctc_values(target: Any, target_length: Any, output_length: Any, size: tuple[int, int, int]) -> None:
    """One host transfer of six numbers, the label and length bounds, which the kernels would not report clearly."""
    steps, classes, width = size
    lengths = [B.cast(target_length, "int64"), B.cast(output_length, "int64")]
    if width:
        within = B.less(B.arange(width, dtype="int64"), B.expand_dims(lengths[0], -1))
        labels = B.where(within, B.cast(target, "int64"), 0)  # padding is not checked
        parts = [B.min(labels), B.max(labels)]
    else:
        parts = [B.zeros((), "int64")] * 2
    bounds = [int(v) for v in B.to_numpy(B.stack([*parts, *(f(x) for x in lengths for f in (B.min, B.max))]))]
    checks = (
        (bounds[0] >= 0 and bounds[1] < classes, f"labels must lie in [0, {classes})", bounds[:2]),
        (bounds[2] >= 0 and bounds[3] <= width, f"target_length must lie in [0, {width}]", bounds[2:4]),
        (bounds[4] >= 0 and bounds[5] <= steps, f"output_length must lie in [0, {steps}]", bounds[4:]),
    )
    for ok, what, (low, high) in checks:
        if not ok:
            raise ArgumentError(f"ctc_loss: {what}, got values in [{low}, {high}]; check the labels and their lengths")
