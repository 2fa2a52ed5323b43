"""Neural-network ops on TensorFlow: activations, linear, dropout, embedding, normalisation, cross-entropy, CTC."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.tensorflow.autograd import in_xla
from dualnet.backend.tensorflow.core import convert_to_tensor, promote
from dualnet.errors import ArgumentError, DTypeError, ShapeError

_INDEX_DTYPES = (tf.int32, tf.int64)


def _float(x: Any) -> tf.Tensor:
    # Transcendental activations of integers give float32, as a mean of integers does.
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def _axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (None, an int or a sequence of ints) as sorted non-negative axes of a rank-``ndim`` tensor."""
    return tuple(sorted(common.canonical_axes(range(ndim) if axis is None else axis, ndim, op, ShapeError)))


def _optional(p: Any, like: tf.Tensor) -> tf.Tensor | None:
    return None if p is None else tf.cast(convert_to_tensor(p), like.dtype)


def _shape(x: tf.Tensor) -> tuple[int | None, ...]:
    return tuple(x.shape.as_list())


# ---------------------------------------------------------------- activations


def relu(x: ArrayLike) -> tf.Tensor:
    return tf.nn.relu(convert_to_tensor(x))


def relu6(x: ArrayLike) -> tf.Tensor:
    x = convert_to_tensor(x)
    if x.dtype.is_floating:
        return tf.nn.relu6(x)
    # tf.nn.relu6 has no integer kernel; clipping keeps integer inputs working, like relu.
    return tf.clip_by_value(x, tf.zeros((), x.dtype), tf.constant(6, x.dtype))


def leaky_relu(x: ArrayLike, negative_slope: float = 0.2) -> tf.Tensor:
    return tf.nn.leaky_relu(_float(x), alpha=negative_slope)


def elu(x: ArrayLike, alpha: float = 1.0) -> tf.Tensor:
    x = _float(x)
    y = tf.nn.elu(x)
    # Scaling elu's own output (not expm1 inside a where) keeps the gradient finite for large positive x.
    return y if alpha == 1.0 else tf.where(x > 0, y, alpha * y)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(x: ArrayLike) -> tf.Tensor:
    # Not tf.nn.selu: its gradient at exactly 0 is scale, torch's is scale * alpha; zero inputs are common.
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x: ArrayLike, approximate: bool = False) -> tf.Tensor:
    return tf.nn.gelu(_float(x), approximate=approximate)


def silu(x: ArrayLike) -> tf.Tensor:
    return tf.nn.silu(_float(x))


def sigmoid(x: ArrayLike) -> tf.Tensor:
    return tf.sigmoid(_float(x))


def hard_sigmoid(x: ArrayLike) -> tf.Tensor:
    return tf.nn.relu6(_float(x) + 3.0) / 6.0


def softplus(x: ArrayLike) -> tf.Tensor:
    return tf.nn.softplus(_float(x))


def softsign(x: ArrayLike) -> tf.Tensor:
    return tf.nn.softsign(_float(x))


def log_sigmoid(x: ArrayLike) -> tf.Tensor:
    return tf.math.log_sigmoid(_float(x))


def _shifted(x: tf.Tensor, axes: tuple[int, ...]) -> tuple[tf.Tensor, tf.Tensor]:
    """``x`` minus its max over ``axes`` (0 where the max is not finite), and the log-sum-exp of that.

    Subtracting ``logsumexp(x)`` from ``x`` instead would round away ``log(n)``
    next to large logits (the single-axis kernels shift the same way).
    """
    peak = tf.stop_gradient(tf.reduce_max(x, axes, keepdims=True))  # the shift cancels in value and gradient
    shifted = x - tf.where(tf.math.is_finite(peak), peak, tf.zeros_like(peak))
    return shifted, tf.math.log(tf.reduce_sum(tf.exp(shifted), axes, keepdims=True))


def softmax(x: ArrayLike, axis: int | Sequence[int] = -1) -> tf.Tensor:
    x = _float(x)
    axes = _axes(axis, x.shape.rank, "softmax")
    if len(axes) == 1:
        return tf.nn.softmax(x, axis=axes[0])
    shifted, lse = _shifted(x, axes)
    return tf.exp(shifted - lse)


def log_softmax(x: ArrayLike, axis: int | Sequence[int] = -1) -> tf.Tensor:
    x = _float(x)
    axes = _axes(axis, x.shape.rank, "log_softmax")
    if len(axes) == 1:
        return tf.nn.log_softmax(x, axis=axes[0])
    shifted, lse = _shifted(x, axes)
    return shifted - lse


# ---------------------------------------------------------------- linear, dropout, embedding


def linear(x: ArrayLike, kernel: ArrayLike, bias: ArrayLike | None = None) -> tf.Tensor:
    x, kernel = promote(x, kernel)
    if kernel.shape.rank != 2 or x.shape.rank == 0 or not x.shape[-1:].is_compatible_with(kernel.shape[:1]):
        raise ShapeError(
            f"linear: expects x of shape (..., in) and kernel of shape (in, out), got x {_shape(x)} and "
            f"kernel {_shape(kernel)}; make the last dimension of x equal the kernel's first dimension"
        )
    if x.shape.rank == 2:
        y = tf.matmul(x, kernel)
        return y if bias is None else tf.nn.bias_add(y, tf.cast(convert_to_tensor(bias), y.dtype))
    # Other ranks fold the leading axes into one (a free reshape) so the product is one plain GEMM.
    y = tf.matmul(tf.reshape(x, [-1, tf.shape(kernel)[0]]), kernel)
    if bias is not None:
        y = tf.nn.bias_add(y, tf.cast(convert_to_tensor(bias), y.dtype))
    y = tf.reshape(y, tf.concat([tf.shape(x)[:-1], tf.shape(kernel)[1:]], 0))
    y.set_shape(x.shape[:-1].concatenate(kernel.shape[1:]))
    return y


def dropout(x: ArrayLike, rate: float, training: bool = True, seed: int | None = None) -> tf.Tensor:
    x = _float(x)
    if not training or rate == 0:
        return x
    if seed is None:
        # The global tf.random.Generator keeps its position in a variable, so a checkpoint can save and
        # restore the dropout stream (tf.nn.dropout's stateful kernel hides it).
        draw = tf.random.get_global_generator().uniform(tf.shape(x), dtype=x.dtype)
        return tf.where(draw >= rate, x * (1.0 / (1.0 - rate)), tf.zeros_like(x))
    return tf.nn.experimental.stateless_dropout(x, rate, seed=[seed, 0])


def embedding(table: ArrayLike, ids: ArrayLike) -> tf.Tensor:
    # A variable is gathered from directly (a sparse read), not read whole into a tensor first.
    table = table if isinstance(table, tf.Variable) else convert_to_tensor(table)
    ids = convert_to_tensor(ids)
    if ids.dtype not in _INDEX_DTYPES:
        if not ids.dtype.is_integer:
            raise DTypeError(
                f"embedding: ids must be integers, got {ids.dtype.name}; cast them with dn.ops.cast(ids, 'int64')"
            )
        ids = tf.cast(ids, tf.int64)
    if table.shape.rank != 2:
        raise ShapeError(f"embedding: table must have shape (vocab, dim), got {_shape(table)}")
    try:
        return tf.gather(table, ids)
    except tf.errors.InvalidArgumentError as err:
        raise ArgumentError(
            f"embedding: ids must lie in [0, {table.shape[0]}) for a table of {table.shape[0]} rows; "
            "check the vocabulary size"
        ) from err


# ---------------------------------------------------------------- normalisation


def moments(x: ArrayLike, axes: Axes, keepdims: bool = False) -> tuple[tf.Tensor, tf.Tensor]:
    x = _float(x)
    mean_and_variance: tuple[tf.Tensor, tf.Tensor] = tf.nn.moments(
        x, list(_axes(axes, x.shape.rank, "moments")), keepdims=keepdims
    )
    return mean_and_variance


def batch_norm(
    x: ArrayLike,
    mean: ArrayLike,
    variance: ArrayLike,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-3,
) -> tf.Tensor:
    x = _float(x)
    mean, variance = tf.cast(convert_to_tensor(mean), x.dtype), tf.cast(convert_to_tensor(variance), x.dtype)
    return tf.nn.batch_normalization(x, mean, variance, _optional(offset, x), _optional(scale, x), epsilon)


def layer_norm(
    x: ArrayLike,
    axis: int | Sequence[int] = -1,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-5,
) -> tf.Tensor:
    x = _float(x)
    mean, variance = tf.nn.moments(x, list(_axes(axis, x.shape.rank, "layer_norm")), keepdims=True)
    return tf.nn.batch_normalization(x, mean, variance, _optional(offset, x), _optional(scale, x), epsilon)


def group_norm(
    x: ArrayLike,
    groups: int,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-5,
) -> tf.Tensor:
    x = _float(x)
    rank, channels = x.shape.rank, x.shape[-1] if x.shape.rank else None
    if rank is None or rank < 2 or channels is None or channels % groups:
        raise ShapeError(
            f"group_norm: expects x of shape (N, ..., C) with C known and divisible by groups={groups}, got "
            f"{_shape(x) if rank is not None else 'unknown rank'}; choose groups dividing the number of channels"
        )
    shape = tf.shape(x)
    # (N, ..., C) -> (N, ..., G, C/G): a free reshape; statistics over the spatial axes and each group's channels.
    grouped = tf.reshape(x, tf.concat([shape[:-1], [groups, channels // groups]], 0))
    mean, variance = tf.nn.moments(grouped, [*range(1, rank - 1), rank], keepdims=True)
    y = tf.reshape((grouped - mean) * tf.math.rsqrt(variance + epsilon), shape)
    scale, offset = _optional(scale, x), _optional(offset, x)
    if scale is not None:
        y = y * scale
    return y if offset is None else y + offset


# ---------------------------------------------------------------- cross-entropy


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike, axis: int = -1) -> tf.Tensor:
    logits, labels = _float(logits), convert_to_tensor(labels)
    rank = logits.shape.rank
    axis = _axes(axis, rank, "softmax_cross_entropy")[0]
    sparse = not (labels.dtype.is_floating or labels.dtype.is_complex)
    expected = logits.shape[:axis].concatenate(logits.shape[axis + 1 :]) if sparse else logits.shape
    if not labels.shape.is_compatible_with(expected):
        kind = "integer class ids" if sparse else "probabilities"
        raise ShapeError(
            f"softmax_cross_entropy: labels as {kind} must have shape {tuple(expected.as_list())} for logits of "
            f"shape {_shape(logits)} (class axis {axis}), got {_shape(labels)}; pass integer ids without the "
            "class axis, or float probabilities of the logits' shape"
        )
    if not sparse:
        # Not the fused op: its gradient assumes labels that sum to 1, and would differ from torch's otherwise.
        return -tf.reduce_sum(tf.cast(labels, logits.dtype) * tf.nn.log_softmax(logits, axis=axis), axis)
    if labels.dtype not in _INDEX_DTYPES:
        labels = tf.cast(labels, tf.int64)
    try:
        if axis == rank - 1 and rank > 1:
            return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        # one_hot maps a bad id to a zero row (a silent loss of 0): check the (small) labels as the fused op does.
        tf.debugging.assert_non_negative(labels)
        tf.debugging.assert_less(labels, tf.shape(logits, out_type=labels.dtype)[axis])
    except tf.errors.InvalidArgumentError as err:
        raise ArgumentError(
            f"softmax_cross_entropy: class ids must lie in [0, {logits.shape[axis]}); "
            "check the labels or the number of classes"
        ) from err
    # A non-trailing class axis: a one-hot mask in place rather than transposing the logits.
    onehot = tf.one_hot(labels, tf.shape(logits)[axis], axis=axis, dtype=logits.dtype)
    return -tf.reduce_sum(onehot * tf.nn.log_softmax(logits, axis=axis), axis)


def sigmoid_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tf.Tensor:
    logits = _float(logits)
    labels = tf.cast(convert_to_tensor(labels), logits.dtype)
    if not labels.shape.is_compatible_with(logits.shape):
        raise ShapeError(
            f"sigmoid_cross_entropy: labels must have the logits' shape {_shape(logits)}, got "
            f"{_shape(labels)}; reshape the labels to match"
        )
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


# ---------------------------------------------------------------- CTC


def ctc_loss(
    target: ArrayLike, output: ArrayLike, target_length: ArrayLike, output_length: ArrayLike, mask_index: int = 0
) -> tf.Tensor:
    logits = _float(output)
    out_dtype = tf.float32 if logits.dtype in (tf.float16, tf.bfloat16) else logits.dtype
    labels = tf.cast(convert_to_tensor(target), tf.int32)
    label_lengths = tf.cast(convert_to_tensor(target_length), tf.int32)
    logit_lengths = tf.cast(convert_to_tensor(output_length), tf.int32)
    # An alignment needs one step per label plus a blank between repeats; an impossible row is computed with no
    # labels (finite, so its gradient is 0 rather than nan) and reported as inf, as both frameworks report it.
    repeats = tf.equal(labels[:, 1:], labels[:, :-1])
    within = tf.range(tf.shape(repeats)[1])[None, :] < (label_lengths - 1)[:, None]
    needed = label_lengths + tf.reduce_sum(tf.cast(repeats & within, tf.int32), 1)
    impossible = needed > logit_lengths
    label_lengths = tf.where(impossible, 0, label_lengths)
    if in_xla():
        # XLA has no kernel for CTCLoss: TensorFlow's dense float32 implementation (a scan XLA compiles) instead.
        loss = tf.nn.ctc_loss(
            labels,
            tf.cast(logits, tf.float32),
            label_lengths,
            logit_lengths,
            logits_time_major=False,
            blank_index=mask_index,
        )
    else:
        loss = _ctc_float64(tf.cast(logits, tf.float64), labels, label_lengths, logit_lengths, mask_index)
    return tf.cast(tf.where(impossible, tf.constant(float("inf"), loss.dtype), loss), out_dtype)


def _ctc_float64(logits: tf.Tensor, labels: tf.Tensor, lengths: tf.Tensor, steps: tf.Tensor, blank: int) -> tf.Tensor:
    """CTC on TensorFlow's C++ kernel in float64 (float32 kernels' gradients are off by up to 1e-3 over 200 steps).

    The kernel refuses empty label sequences; their loss, ``-sum(log p(blank))`` over the steps, is computed here,
    and the kernel gets a one-label stand-in for them, whose loss and gradient are dropped.
    """
    log_probs = tf.nn.log_softmax(logits, -1)
    counted = tf.sequence_mask(steps, tf.shape(logits)[1], tf.float64)
    blank_only = -tf.reduce_sum(log_probs[..., blank] * counted, 1)
    classes, width = logits.shape[-1], labels.shape[1]
    if classes == 1 or width == 0:  # nothing but blanks: every sequence is empty
        return blank_only
    empty = tf.equal(lengths, 0)
    stand_in = 1 if blank == 0 else 0
    padded = tf.concat([labels, tf.fill([tf.shape(labels)[0], 1], stand_in)], 1)
    padded = tf.where(empty[:, None], stand_in, padded)
    loss = _ctc_kernel(logits, padded, tf.where(empty, 1, lengths), steps, blank)
    return tf.where(empty, blank_only, loss)


def _ctc_kernel(logits: tf.Tensor, labels: tf.Tensor, lengths: tf.Tensor, steps: tf.Tensor, blank: int) -> tf.Tensor:
    """The kernel, which wants the blank as the last class, time-major logits and sparse labels.

    It returns the gradient with the loss; the custom gradient hands it back.
    """

    def kernel(z: tf.Tensor) -> Any:
        moved = tf.concat([z[..., :blank], z[..., blank + 1 :], z[..., blank : blank + 1]], -1)
        where = tf.where(tf.sequence_mask(lengths, tf.shape(labels)[1]))
        ids = tf.gather_nd(tf.where(labels > blank, labels - 1, labels), where)
        loss, grad = tf.raw_ops.CTCLoss(
            inputs=tf.transpose(moved, (1, 0, 2)),
            labels_indices=where,
            labels_values=ids,
            sequence_length=steps,
            preprocess_collapse_repeated=False,
            ctc_merge_repeated=True,
            ignore_longer_outputs_than_inputs=True,  # the stand-in label of an empty sequence of 0 steps
        )
        grad = tf.transpose(grad, (1, 0, 2))
        grad = tf.concat([grad[..., :blank], grad[..., -1:], grad[..., blank:-1]], -1)

        def backward(upstream: tf.Tensor) -> tf.Tensor:
            return upstream[:, None, None] * grad

        return loss, backward

    return tf.custom_gradient(kernel)(logits)
