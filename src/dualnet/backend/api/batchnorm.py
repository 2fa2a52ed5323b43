"""Batch normalisation on the frameworks' fused kernels (the ``BatchNorm`` layer's forward).

``x`` is channels-last ``(N, ..., C)`` of rank >= 2; ``scale``, ``offset``,
``mean`` and ``variance`` are ``(C,)``. torch runs ``torch.batch_norm`` on a
channels-last view of ``x`` (cuDNN or the CPU kernel, no copy), TensorFlow
``FusedBatchNormV3`` in NHWC; other ranks are reshaped to 4-D (free) first.
Both kernels read ``x`` once for the statistics and once for the output, and
their backward is one kernel too. The variance returned is the biased
(population) one, Keras's convention for the moving statistics; the kernels'
own Bessel-corrected variance is scaled back by ``(n - 1) / n``. The statistics
returned, and the ``mean`` / ``variance`` taken in inference, carry no gradient
(the layer's moving statistics are buffers); ``x``, ``scale`` and ``offset`` do.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class BatchNormAPI(Protocol):
    """Training- and inference-mode batch normalisation on the fused kernels."""

    def batch_norm_train(
        self,
        x: ArrayLike,
        *,
        scale: ArrayLike | None = None,
        offset: ArrayLike | None = None,
        epsilon: float = 1e-3,
    ) -> tuple[Tensor, Tensor, Tensor]:
        """``(y, mean, variance)``: ``x`` (N, ..., C) by its batch mean and biased variance (C,), no gradient."""

    def batch_norm_infer(
        self,
        x: ArrayLike,
        mean: ArrayLike,
        variance: ArrayLike,
        *,
        scale: ArrayLike | None = None,
        offset: ArrayLike | None = None,
        epsilon: float = 1e-3,
    ) -> Tensor:
        """``(x - mean) / sqrt(variance + epsilon) * scale + offset``: ``x`` (N, ..., C), the rest (C,) (constants)."""
