"""The activations of ``keras.ops.nn`` beyond the classic ones in ``nn.py``.

Each keeps ``x``'s shape (``glu`` halves ``axis``); integer inputs give float32.
Thresholds and constants are Python floats, as in Keras.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class ActivationsAPI(Protocol):
    """Elementwise (and ``glu``/``sparsemax`` along an axis) activations, Keras 3's definitions."""

    def celu(self, x: ArrayLike, alpha: float = 1.0) -> Tensor:
        """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``; same shape."""

    def glu(self, x: ArrayLike, axis: int = -1) -> Tensor:
        """``a * sigmoid(b)`` for the two halves ``a, b`` of ``x`` along ``axis``; that axis halves."""

    def hard_silu(self, x: ArrayLike) -> Tensor:
        """``x * relu6(x + 3) / 6``; same shape."""

    def hard_swish(self, x: ArrayLike) -> Tensor:
        """The same as ``hard_silu``; same shape."""

    def hard_tanh(self, x: ArrayLike) -> Tensor:
        """``clip(x, -1, 1)``; same shape."""

    def hard_shrink(self, x: ArrayLike, threshold: float = 0.5) -> Tensor:
        """``x`` where ``|x| > threshold``, else 0; same shape."""

    def soft_shrink(self, x: ArrayLike, threshold: float = 0.5) -> Tensor:
        """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0; same shape."""

    def tanh_shrink(self, x: ArrayLike) -> Tensor:
        """``x - tanh(x)``; same shape."""

    def sparse_plus(self, x: ArrayLike) -> Tensor:
        """0 for ``x <= -1``, ``(x + 1)**2 / 4`` on ``(-1, 1)``, ``x`` for ``x >= 1``; same shape."""

    def sparse_sigmoid(self, x: ArrayLike) -> Tensor:
        """``clip((x + 1) / 2, 0, 1)``; same shape."""

    def sparsemax(self, x: ArrayLike, axis: int = -1) -> Tensor:
        """The Euclidean projection of ``x`` onto the probability simplex along ``axis``; same shape."""

    def squareplus(self, x: ArrayLike, b: float = 4.0) -> Tensor:
        """``(x + sqrt(x**2 + b)) / 2``; same shape."""

    def threshold(self, x: ArrayLike, threshold: float, default_value: float) -> Tensor:
        """``x`` where ``x > threshold``, else ``default_value``; same shape."""

    def swish(self, x: ArrayLike) -> Tensor:
        """``x * sigmoid(x)`` (the same as ``silu``); same shape."""

    def mish(self, x: ArrayLike) -> Tensor:
        """``x * tanh(softplus(x))``; same shape."""
