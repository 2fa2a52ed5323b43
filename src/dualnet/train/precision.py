"""Precision policies: ``"float32"``, ``"bf16-mixed"``, ``"fp16-mixed"``; the autocast scope and the loss scaler.

Mixed precision keeps every variable in float32 and computes in the low type,
with the same semantics on every backend (Keras's ``mixed_bfloat16`` policy):

- floating-point inputs are cast to the compute dtype before the model runs;
- inside :class:`Autocast`, each float32 parameter is read as a low-precision
  copy (``B.cast`` of the variable, so its gradient flows back to it in float32),
  except the parameters of normalisation layers, which compute in float32 and
  cast their output back, as Keras's ``autocast=False`` weights do;
- outputs are cast back to float32, so losses and metrics are float32;
- gradients are float32, the dtype of the variables they update.

The cast is done by dualnet rather than by ``torch.autocast`` so that both
backends run the same ops in the same dtypes: ``torch.autocast`` picks dtypes
op by op from its own lists, which TensorFlow has no counterpart of.

``fp16-mixed`` (CUDA only) adds dynamic loss scaling, as ``torch.amp.GradScaler``:
the loss is multiplied by ``scale`` (initially 2**15) before differentiation and
the gradients divided by it; a step whose gradients are not all finite is skipped
and halves the scale; 2000 good steps in a row double it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, UnsupportedError
from dualnet.nn.module import Module
from dualnet.nn.normalization import BatchNorm, GroupNorm, LayerNorm

__all__ = ["LossScaler", "POLICIES", "Policy"]

# Layers that normalise in float32 whatever their input: their weights are not cast (Keras's autocast=False).
KEEP_FLOAT32: tuple[type[Module], ...] = (BatchNorm, LayerNorm, GroupNorm)


@dataclass(frozen=True)
class Policy:
    """A precision policy: variables in ``variable_dtype``, computation in ``compute_dtype``."""

    name: str
    compute_dtype: str
    variable_dtype: str = "float32"
    loss_scaling: bool = False

    @property
    def mixed(self) -> bool:
        """True when computation runs in a lower precision than the variables."""
        return self.compute_dtype != self.variable_dtype


POLICIES = {
    "float32": Policy("float32", "float32"),
    "bf16-mixed": Policy("bf16-mixed", "bfloat16"),
    "fp16-mixed": Policy("fp16-mixed", "float16", loss_scaling=True),
}
"""The ``Trainer(precision=...)`` names and their policies; another name raises ArgumentError."""


def get_policy(name: Any, device: str) -> Policy:
    """The policy called ``name`` for training on ``device``.

    Raises ArgumentError for an unknown name and UnsupportedError for
    ``"fp16-mixed"`` off CUDA (naming the backend and the device).
    """
    if isinstance(name, Policy):
        return name
    policy = POLICIES.get(name) if isinstance(name, str) else None
    if policy is None:
        raise ArgumentError(
            f"Trainer(precision={name!r}): unknown precision; use one of {', '.join(map(repr, POLICIES))}"
        )
    if policy.loss_scaling and not device.startswith("cuda"):
        raise UnsupportedError(
            f"Trainer(precision='fp16-mixed'): float16 training needs a CUDA GPU, but backend {B.name!r} trains on "
            f"device {device!r}; use precision='bf16-mixed' on this device, or device='cuda:0' on a machine with a GPU"
        )
    return policy


class Autocast:
    """Reads the float32 parameters of ``model`` as ``dtype`` copies for the duration of a scope.

    The copies are made with ``B.cast`` where the scope opens and put in place of
    the parameters in their modules' attributes (the modules' parameter registry
    is untouched); leaving the scope puts the variables back. Inside a gradient
    computation the casts are recorded, so gradients reach the float32 variables.
    Buffers are never cast.
    """

    def __init__(self, model: Module, dtype: str) -> None:
        self.dtype = dtype
        self._model = model
        self._targets = [
            (module, name)
            for module, name, variable in model._parameter_attributes()
            if not isinstance(module, KEEP_FLOAT32) and B.dtype(variable) == "float32"
        ]

    @property
    def size(self) -> int:
        """How many parameters the scope casts."""
        return len(self._targets)

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Within: the parameters read as ``dtype``."""
        with self._model._parameters_read_as(self._targets, self._cast):
            yield

    def _cast(self, variable: Any) -> Any:
        return B.cast(variable, self.dtype)


class LossScaler:
    """Dynamic loss scaling (``torch.amp.GradScaler``'s rule), its state in backend buffers.

    Usable inside a compiled step: :meth:`scale` the loss, differentiate, then
    :meth:`apply` with the scaled gradients and a function taking the unscaled ones.
    """

    def __init__(
        self, init_scale: float = 2.0**15, growth_factor: float = 2.0, backoff_factor: float = 0.5, interval: int = 2000
    ) -> None:
        self.growth_factor, self.backoff_factor, self.interval = growth_factor, backoff_factor, interval
        # Shape (1,) buffers: the torch backend stores 0-d arrays as 1-d.
        self._scale = B.buffer(np.full(1, init_scale, np.float32), "loss_scale")
        self._good_steps = B.buffer(np.zeros(1, np.float32), "loss_scale_good_steps")

    @property
    def value(self) -> float:
        """The current scale (a host read)."""
        return float(B.to_numpy(self._scale)[0])

    def scale(self, loss: Any) -> Any:
        """``loss * scale``."""
        return B.multiply(loss, B.reshape(self._scale, ()))

    def apply(self, grads: list[Any], step: Callable[[list[Any]], None]) -> Any:
        """Unscale ``grads``; call ``step(unscaled)`` only if all are finite; update the scale. Returns the flag."""
        scale = B.reshape(self._scale, ())
        unscaled = [None if g is None else B.divide(g, scale) for g in grads]
        present = [g for g in unscaled if g is not None]
        finite = B.all(B.stack([B.all(B.isfinite(g)) for g in present])) if present else B.convert_to_tensor(True)
        B.run_if(finite, lambda: step(unscaled))
        good = B.add(self._good_steps, 1.0)
        grow = B.greater_equal(good, float(self.interval))
        new_scale = B.where(
            finite,
            B.where(grow, B.multiply(self._scale, self.growth_factor), self._scale),
            B.multiply(self._scale, self.backoff_factor),
        )
        B.assign(self._good_steps, B.where(B.logical_and(finite, B.logical_not(grow)), good, 0.0))
        B.assign(self._scale, new_scale)
        return finite
