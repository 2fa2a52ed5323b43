"""Neural-network ops on PyTorch: activations, linear, dropout, embedding, normalisation, cross-entropy, CTC."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.torch.core import check_same_device, convert_to_tensor
from dualnet.errors import ArgumentError, DTypeError, ShapeError

_INDEX_DTYPES = (torch.int32, torch.int64)
_NO_INDEX = -(2**63)  # an ignore_index no label can equal


def _float(x: Any) -> torch.Tensor:
    # Transcendental activations of integers give float32, as a mean of integers does.
    x = convert_to_tensor(x)
    return x if x.is_floating_point() else x.to(torch.float32)


def _axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (None, an int or a sequence of ints) as sorted non-negative axes of a rank-``ndim`` tensor."""
    return tuple(sorted(common.canonical_axes(range(ndim) if axis is None else axis, ndim, op, ShapeError)))


def _optional(p: Any, like: torch.Tensor) -> torch.Tensor | None:
    return None if p is None else convert_to_tensor(p).to(like.dtype)


# ---------------------------------------------------------------- activations


def relu(x: ArrayLike) -> torch.Tensor:
    return torch.relu(convert_to_tensor(x))


def relu6(x: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    # clamp would pass gradient 1 at x = 0 and 6 (TensorFlow gives 0), so it serves integer inputs only.
    return F.relu6(x) if x.is_floating_point() else torch.clamp(x, 0, 6)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.2) -> torch.Tensor:
    return F.leaky_relu(_float(x), negative_slope)


def elu(x: ArrayLike, alpha: float = 1.0) -> torch.Tensor:
    return F.elu(_float(x), alpha)


def selu(x: ArrayLike) -> torch.Tensor:
    return F.selu(_float(x))


def gelu(x: ArrayLike, approximate: bool = False) -> torch.Tensor:
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


def silu(x: ArrayLike) -> torch.Tensor:
    return F.silu(_float(x))


def sigmoid(x: ArrayLike) -> torch.Tensor:
    return torch.sigmoid(_float(x))


def hard_sigmoid(x: ArrayLike) -> torch.Tensor:
    # torch's hardsigmoid is exactly Keras 3's relu6(x + 3) / 6.
    return F.hardsigmoid(_float(x))


def softplus(x: ArrayLike) -> torch.Tensor:
    return F.softplus(_float(x))


def softsign(x: ArrayLike) -> torch.Tensor:
    return F.softsign(_float(x))


def log_sigmoid(x: ArrayLike) -> torch.Tensor:
    return F.logsigmoid(_float(x))


def _shifted(x: torch.Tensor, axes: tuple[int, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    """``x`` minus its max over ``axes`` (0 where the max is not finite), and the log-sum-exp of that.

    Subtracting ``logsumexp(x)`` from ``x`` instead would round away ``log(n)``
    next to large logits (the single-axis kernels shift the same way).
    """
    peak = torch.amax(x, axes, keepdim=True).detach()  # the shift cancels in the value and the gradient
    shifted = x - torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))
    return shifted, torch.log(torch.sum(torch.exp(shifted), axes, keepdim=True))


def softmax(x: ArrayLike, axis: int | Sequence[int] = -1) -> torch.Tensor:
    x = _float(x)
    axes = _axes(axis, x.ndim, "softmax")
    if len(axes) == 1:
        return torch.softmax(x, axes[0])
    if x.numel() == 0:
        return x.clone()
    shifted, lse = _shifted(x, axes)
    return torch.exp(shifted - lse)


def log_softmax(x: ArrayLike, axis: int | Sequence[int] = -1) -> torch.Tensor:
    x = _float(x)
    axes = _axes(axis, x.ndim, "log_softmax")
    if len(axes) == 1:
        return torch.log_softmax(x, axes[0])
    if x.numel() == 0:
        return x.clone()
    shifted, lse = _shifted(x, axes)
    return shifted - lse


# ---------------------------------------------------------------- linear, dropout, embedding


def linear(x: ArrayLike, kernel: ArrayLike, bias: ArrayLike | None = None) -> torch.Tensor:
    x, kernel = convert_to_tensor(x), convert_to_tensor(kernel)
    if kernel.ndim != 2 or x.ndim < 1 or x.shape[-1] != kernel.shape[0]:
        raise ShapeError(
            f"linear: expects x of shape (..., in) and kernel of shape (in, out), got x {tuple(x.shape)} and "
            f"kernel {tuple(kernel.shape)}; make the last dimension of x equal the kernel's first dimension"
        )
    if x.dtype != kernel.dtype:
        common = torch.promote_types(x.dtype, kernel.dtype)
        x, kernel = x.to(common), kernel.to(common)
    if bias is not None:
        bias = convert_to_tensor(bias).to(kernel.dtype)
    try:
        # kernel.T is a view of the (in, out) kernel: F.linear then calls addmm(bias, x, kernel) without a copy.
        return F.linear(x, kernel.T, bias)
    except RuntimeError:
        check_same_device("linear", x, kernel, bias)
        raise


def dropout(x: ArrayLike, rate: float, training: bool = True, seed: int | None = None) -> torch.Tensor:
    x = _float(x)
    if not training or rate == 0:
        return x
    if seed is None:
        return F.dropout(x, rate, True)
    # A local generator gives the same mask for the same seed without touching the global stream.
    generator = torch.Generator(device=x.device).manual_seed(seed)
    keep = torch.empty_like(x).bernoulli_(1.0 - rate, generator=generator)
    return x * keep * (1.0 / (1.0 - rate))


def embedding(table: ArrayLike, ids: ArrayLike) -> torch.Tensor:
    table, ids = convert_to_tensor(table), convert_to_tensor(ids)
    if ids.dtype not in _INDEX_DTYPES:
        if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
            raise DTypeError(
                f"embedding: ids must be integers, got {str(ids.dtype).removeprefix('torch.')}; "
                "cast them with dn.ops.cast(ids, 'int64')"
            )
        ids = ids.to(torch.int64)
    if table.ndim != 2:
        raise ShapeError(f"embedding: table must have shape (vocab, dim), got {tuple(table.shape)}")
    try:
        return F.embedding(ids, table)
    except RuntimeError:
        check_same_device("embedding", table, ids)
        raise
    except IndexError as err:
        raise ArgumentError(
            f"embedding: ids must lie in [0, {table.shape[0]}) for a table of {table.shape[0]} rows; "
            "check the vocabulary size"
        ) from err


# ---------------------------------------------------------------- normalisation


def moments(x: ArrayLike, axes: Axes, keepdims: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    x = _float(x)
    variance, mean = torch.var_mean(x, _axes(axes, x.ndim, "moments"), correction=0, keepdim=keepdims)
    return mean, variance


def batch_norm(
    x: ArrayLike,
    mean: ArrayLike,
    variance: ArrayLike,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-3,
) -> torch.Tensor:
    x = _float(x)
    inv = torch.rsqrt(convert_to_tensor(variance).to(x.dtype) + epsilon)
    if scale is not None:
        inv = inv * convert_to_tensor(scale).to(x.dtype)
    # The (C,)-sized shift is folded first so x is read once: x * inv + (offset - mean * inv).
    shift = -convert_to_tensor(mean).to(x.dtype) * inv
    if offset is not None:
        shift = shift + convert_to_tensor(offset).to(x.dtype)
    return torch.addcmul(shift, x, inv)


def layer_norm(
    x: ArrayLike,
    axis: int | Sequence[int] = -1,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-5,
) -> torch.Tensor:
    x = _float(x)
    axes = _axes(axis, x.ndim, "layer_norm")
    scale, offset = _optional(scale, x), _optional(offset, x)
    if axes == tuple(range(x.ndim - len(axes), x.ndim)):
        normalized = x.shape[x.ndim - len(axes) :]
        # F.layer_norm takes affine parameters only of exactly the normalised shape; others broadcast after.
        fused = all(p is None or p.shape == normalized for p in (scale, offset))
        if fused:
            return F.layer_norm(x, normalized, scale, offset, epsilon)
        y = F.layer_norm(x, normalized, None, None, epsilon)
    else:
        variance, mean = torch.var_mean(x, axes, correction=0, keepdim=True)
        y = (x - mean) * torch.rsqrt(variance + epsilon)
    if scale is not None:
        y = y * scale
    return y if offset is None else y + offset


def group_norm(
    x: ArrayLike,
    groups: int,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-5,
) -> torch.Tensor:
    x = _float(x)
    if x.ndim < 2 or x.shape[-1] % groups:
        raise ShapeError(
            f"group_norm: expects x of shape (N, ..., C) with C divisible by groups={groups}, got {tuple(x.shape)}; "
            "choose groups dividing the number of channels"
        )
    scale, offset = _optional(scale, x), _optional(offset, x)
    if x.ndim in (4, 5):
        # NHWC/NDHWC permuted to NCHW is a channels_last-strided view, which torch's kernel reads without a copy.
        order = (0, x.ndim - 1, *range(1, x.ndim - 1))
        back = (0, *range(2, x.ndim), 1)
        return F.group_norm(x.permute(order), groups, scale, offset, epsilon).permute(back)
    # (N, ..., C) -> (N, ..., G, C/G): a free view; statistics over the spatial axes and each group's channels.
    grouped = x.reshape(*x.shape[:-1], groups, x.shape[-1] // groups)
    dims = (*range(1, x.ndim - 1), x.ndim)
    variance, mean = torch.var_mean(grouped, dims, correction=0, keepdim=True)
    y = ((grouped - mean) * torch.rsqrt(variance + epsilon)).reshape(x.shape)
    if scale is not None:
        y = y * scale
    return y if offset is None else y + offset


# ---------------------------------------------------------------- cross-entropy


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike, axis: int = -1) -> torch.Tensor:
    logits, labels = _float(logits), convert_to_tensor(labels)
    axis = _axes(axis, logits.ndim, "softmax_cross_entropy")[0]
    sparse = not (labels.is_floating_point() or labels.is_complex())
    expected = logits.shape[:axis] + logits.shape[axis + 1 :] if sparse else logits.shape
    if labels.shape != expected:
        kind = "integer class ids" if sparse else "probabilities"
        raise ShapeError(
            f"softmax_cross_entropy: labels as {kind} must have shape {tuple(expected)} for logits of shape "
            f"{tuple(logits.shape)} (class axis {axis}), got {tuple(labels.shape)}; pass integer ids without the "
            "class axis, or float probabilities of the logits' shape"
        )
    labels = labels.to(torch.int64) if sparse else labels.to(logits.dtype)
    classes = logits.shape[axis]
    try:
        if axis != logits.ndim - 1:
            # A non-trailing class axis: stay in place rather than permuting the logits into F.cross_entropy's layout.
            logp = torch.log_softmax(logits, axis)
            if sparse:
                return -torch.gather(logp, axis, labels.unsqueeze(axis)).squeeze(axis)
            return -(labels * logp).sum(axis)
        # F.cross_entropy wants classes on axis 1: flattening the leading axes of a contiguous tensor is a free view.
        flat_labels = labels.reshape(-1) if sparse else labels.reshape(-1, classes)
        # No ignore_index: the default -100 would give a silent 0 here and an error on TensorFlow.
        out = F.cross_entropy(logits.reshape(-1, classes), flat_labels, reduction="none", ignore_index=_NO_INDEX)
        return out.reshape(logits.shape[:-1])
    except (IndexError, RuntimeError) as err:
        if not sparse or "out of bounds" not in str(err):
            raise
        raise ArgumentError(
            f"softmax_cross_entropy: class ids must lie in [0, {classes}); check the labels or the number of classes"
        ) from err


def sigmoid_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> torch.Tensor:
    logits = _float(logits)
    labels = convert_to_tensor(labels).to(logits.dtype)
    if labels.shape != logits.shape:
        raise ShapeError(
            f"sigmoid_cross_entropy: labels must have the logits' shape {tuple(logits.shape)}, got "
            f"{tuple(labels.shape)}; reshape the labels to match"
        )
    return F.binary_cross_entropy_with_logits(logits, labels, reduction="none")


# ---------------------------------------------------------------- CTC


def ctc_loss(
    target: ArrayLike, output: ArrayLike, target_length: ArrayLike, output_length: ArrayLike, mask_index: int = 0
) -> torch.Tensor:
    logits = _float(output)
    out_dtype = torch.float32 if logits.dtype in (torch.float16, torch.bfloat16) else logits.dtype
    labels = convert_to_tensor(target).to(torch.int64)
    label_lengths = convert_to_tensor(target_length).to(torch.int64)
    logit_lengths = convert_to_tensor(output_length).to(torch.int64)
    # An alignment needs one step per label plus a blank between repeats; an impossible row is computed with no
    # labels (finite, so its gradient is 0 rather than nan) and reported as inf, as both frameworks report it.
    repeats = labels[:, 1:] == labels[:, :-1]
    within = torch.arange(repeats.shape[1], device=labels.device) < (label_lengths - 1)[:, None]
    impossible = label_lengths + (repeats & within).sum(1) > logit_lengths
    # float64 inside: float32 kernels' gradients are off by up to 1e-3 over 200 steps, and differ between frameworks.
    log_probs = torch.log_softmax(logits.to(torch.float64), -1).transpose(0, 1)
    loss = F.ctc_loss(
        log_probs,
        labels,
        logit_lengths,
        torch.where(impossible, 0, label_lengths),
        blank=mask_index,
        reduction="none",
    )
    return torch.where(impossible, torch.inf, loss).to(out_dtype)
