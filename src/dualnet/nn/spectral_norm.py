"""``SpectralNormalization``: a wrapper dividing a layer's kernel by its largest singular value (Keras's layer).

Keras's semantics, not torch's ``spectral_norm`` parametrisation: in training
mode each call runs ``power_iterations`` steps of the power method from the
buffer ``vector_u`` (shape ``(1, out)``, drawn once from a normal truncated at
two standard deviations, stddev 0.02, seeded like every weight), stores the new
``u`` and writes ``kernel / sigma`` into the wrapped layer's kernel, then calls
the layer. The division is an assignment, so gradients reach the kernel as it
is used, not through ``sigma`` (as in Keras). In inference mode the layer runs
on its kernel as it is. A kernel of zeros is left alone (its sigma is 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, StateError
from dualnet.nn.module import Module

__all__ = ["SpectralNormalization"]

_EPSILON = 1e-7  # Keras's backend.epsilon(): the cap 1/eps on the inverse norm in ops.normalize
_U_STDDEV = 0.02  # Keras's TruncatedNormal(stddev=0.02) for vector_u


def _normalize(v: Any) -> Any:
    """Keras's ``ops.normalize(v, axis=None)``: ``v * min(rsqrt(sum(v**2)), 1/eps)``."""
    return B.multiply(v, B.minimum(B.rsqrt(B.sum(B.square(v))), 1.0 / _EPSILON))


class SpectralNormalization(Module):
    """Keras ``SpectralNormalization(layer, power_iterations=1)``: the output of ``layer`` (same shapes in and
    out as ``layer``), with the layer's ``kernel`` (or ``embeddings``) of shape ``(..., out)`` divided by its
    spectral norm, estimated on the kernel reshaped to ``(-1, out)``.

    Parameters are the wrapped layer's (``layer.kernel``, ...); ``vector_u`` ``(1, out)`` is a buffer.
    The output is cast to the input's dtype, as Keras does.

    Raises:
        ArgumentError: ``layer`` is not a module, ``power_iterations`` < 1, or (at the first call) the layer
            has no ``kernel`` nor ``embeddings`` weight.
    """

    def __init__(self, layer: Module, power_iterations: int = 1) -> None:
        super().__init__()
        if not isinstance(layer, Module):
            raise ArgumentError(
                f"SpectralNormalization(layer={layer!r:.80}): layer must be a dn.nn module with a kernel; pass "
                "e.g. SpectralNormalization(dn.nn.Dense(64))"
            )
        self.layer = layer
        self.power_iterations = check_int(
            "SpectralNormalization", "power_iterations", power_iterations, low=1, example="power_iterations=1"
        )
        self.built = False

    def build(self, x: Any) -> None:
        if not self.layer.built:
            self.layer.build(tuple(None if i == 0 else s for i, s in enumerate(B.shape(x))))
        kernel = self._kernel()
        out = int(B.shape(kernel)[-1])
        rng = self._generator("vector_u")
        u = rng.standard_normal((1, out))
        outside = np.abs(u) > 2.0
        while outside.any():  # Keras's TruncatedNormal: redraw beyond two standard deviations
            u[outside] = rng.standard_normal(int(outside.sum()))
            outside = np.abs(u) > 2.0
        dtype = B.dtype(kernel)
        self.vector_u = self.add_buffer("vector_u", (u * _U_STDDEV).astype("float32" if dtype == "bfloat16" else dtype))

    def _kernel(self) -> Any:
        for name in ("kernel", "embeddings"):
            value = getattr(self.layer, name, None)
            if value is not None and B.is_variable(value):
                return value
        raise ArgumentError(
            f"{self._where()}: the wrapped {type(self.layer).__name__} has no 'kernel' nor 'embeddings' weight to "
            "normalise; wrap a layer with a kernel (Dense, Conv2D, Embedding...)"
        )

    def normalized_weights(self) -> tuple[Any, Any]:
        """``(u, kernel / sigma)`` after ``power_iterations`` power-method steps, without assigning them.

        Raises:
            StateError: before the first call (nothing to normalise yet).
        """
        if not self.built or "vector_u" not in dict(self.named_buffers()):
            raise StateError(f"{self._where()}: call the layer once first; its kernel is made at the first call")
        kernel = self._kernel()
        shape = tuple(B.shape(kernel))
        weights = B.reshape(kernel, (-1, shape[-1]))
        u = self.vector_u
        v = u
        for _ in range(self.power_iterations):
            v = _normalize(B.matmul(u, B.transpose(weights)))
            u = _normalize(B.matmul(v, weights))
        u, v = B.stop_gradient(u), B.stop_gradient(v)
        sigma = B.matmul(B.matmul(v, weights), B.transpose(u))
        return u, B.reshape(B.divide(kernel, sigma), shape)

    def forward(self, x: Any) -> Any:
        if self.training:
            kernel = self._kernel()
            u, normalized = self.normalized_weights()
            zero = B.all(B.equal(kernel, B.zeros((), B.dtype(kernel))))
            B.assign(self.vector_u, B.cast(B.where(zero, self.vector_u, u), B.dtype(self.vector_u)))
            B.assign(kernel, B.cast(B.where(zero, kernel, normalized), B.dtype(kernel)))
        out = self.layer(x)
        return B.cast(out, B.dtype(x)) if B.is_tensor(x) else out

    def extra_repr(self) -> str:
        return f"power_iterations={self.power_iterations}"
