"""Optimizer fast paths: one update rule applied to a whole group of parameters at once.

The math is the reference ``update`` of :mod:`dualnet.optim`; a backend only
changes how it runs (torch ``_foreach`` kernels, one compiled TensorFlow function).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from dualnet.backend.api.types import DTypeName, Tensor, Variable

FusedUpdate = Callable[[list[Tensor], dict[str, Any]], None]
"""``apply(grads, hyper)``: one step for every parameter, ``grads`` aligned with them (same shapes)."""


class OptimAPI(Protocol):
    """Fused optimizer steps, gradient clipping and Muon's orthogonalisation."""

    def optim_fused(self, name: str, params: list[Variable], states: list[dict[str, Variable]]) -> FusedUpdate:
        """``apply(grads, hyper)`` of rule ``name`` for ``params`` and their ``states`` (same shapes as each param)."""

    def optim_clip_by_global_norm(self, grads: list[Tensor], max_norm: float) -> tuple[list[Tensor], Tensor]:
        """``(grads scaled by min(max_norm / (norm + 1e-6), 1), norm)``: same shapes, ``norm`` a scalar."""

    def optim_newton_schulz(
        self, x: Tensor, coefficients: tuple[float, float, float], steps: int, eps: float, dtype: DTypeName
    ) -> Tensor:
        """Muon's Newton-Schulz orthogonalisation of a 2-D ``x`` in ``dtype``, rounded as torch's addmm: same shape."""
