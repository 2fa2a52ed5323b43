"""in_top_k and multi_hot on torch."""

from __future__ import annotations

import torch

from dualnet.backend.api.types import ArrayLike, DTypeName
from dualnet.backend.torch.core import convert_to_tensor, native_dtype


def in_top_k(targets: ArrayLike, predictions: ArrayLike, k: int) -> torch.Tensor:
    predictions = convert_to_tensor(predictions)
    targets = convert_to_tensor(targets).to(torch.int64)
    classes = predictions.shape[-1]
    valid = (targets >= 0) & (targets < classes)
    picked = torch.gather(predictions, 1, torch.where(valid, targets, 0)[:, None])
    # TensorFlow's rule: ties at the k-th value are all in the top k; a row with a non-finite value never is.
    above = (predictions > picked).sum(1)
    finite = torch.isfinite(predictions).all(1) if predictions.is_floating_point() else True
    return (above < k) & valid & finite


def multi_hot(
    inputs: ArrayLike,
    num_classes: int | None = None,
    axis: int = -1,
    dtype: DTypeName | None = None,
    sparse: bool = False,
) -> torch.Tensor:
    ids = convert_to_tensor(inputs).to(torch.int64)
    classes = torch.arange(int(num_classes or 0), device=ids.device)
    # Comparing with arange gives no hit for out-of-range ids (as tf.one_hot), where F.one_hot raises.
    hits = (ids.unsqueeze(-1) == classes).any(1 if ids.ndim > 1 else 0)
    return hits.movedim(-1, axis).to(native_dtype(dtype or "float32"))
