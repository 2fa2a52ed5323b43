"""Keras's cross-entropy ops on torch: the fused logits kernels, or clipped probabilities as Keras computes them."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.backend.torch.nn import softmax_cross_entropy

_EPSILON = 1e-7  # keras.backend.epsilon()


def _float(x: Any) -> torch.Tensor:
    x = convert_to_tensor(x)
    return x if x.is_floating_point() else x.to(torch.float32)


def _clipped(p: torch.Tensor) -> torch.Tensor:
    # clamp, like tf.clip_by_value, passes no gradient to clipped entries: Keras's gradients exactly.
    return torch.clamp(p, _EPSILON, 1.0 - _EPSILON)


def binary_crossentropy(target: ArrayLike, output: ArrayLike, from_logits: bool = False) -> torch.Tensor:
    output = _float(output)
    target = convert_to_tensor(target).to(output.dtype)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    p = _clipped(output)
    return -(target * torch.log(p) + (1 - target) * torch.log1p(-p))


def categorical_crossentropy(
    target: ArrayLike, output: ArrayLike, from_logits: bool = False, axis: int = -1
) -> torch.Tensor:
    output = _float(output)
    target = convert_to_tensor(target).to(output.dtype)
    if from_logits:
        return softmax_cross_entropy(output, target, axis)
    p = _clipped(output / output.sum(axis, keepdim=True))
    return -(target * torch.log(p)).sum(axis)


def sparse_categorical_crossentropy(
    target: ArrayLike, output: ArrayLike, from_logits: bool = False, axis: int = -1
) -> torch.Tensor:
    output = _float(output)
    target = convert_to_tensor(target).to(torch.int64)
    logits = output if from_logits else torch.log(_clipped(output))
    return softmax_cross_entropy(logits, target, axis)
