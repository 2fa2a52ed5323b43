"""Pieces of the default train step: gradients to the optimizer (accumulation, loss scaling), and running log means.

:class:`GradientApplier` takes the gradients of ``model.parameters()`` (as
``dn.value_and_grad`` returns them) and hands the optimizer its own parameters'
gradients. With ``accumulation = k > 1``, ``k`` micro-batches (consecutive
batches) add ``n_i * g_i`` into float32 buffers and the k-th divides by
``sum(n_i)``: one optimizer step on the gradient of the mean loss over all
their samples, as one batch of that size would give. All of it runs inside a
compiled step (state in backend buffers).

:class:`RunningMeans` averages the values a step returns over an epoch,
weighted by batch size; it reads them to the host only when logs are asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.nn.module import Module
from dualnet.nn.regularization import apply_slots, constraint_slots
from dualnet.optim.optimizer import Optimizer
from dualnet.train.precision import LossScaler

__all__: list[str] = []


class GradientApplier:
    """Routes model gradients to ``optimizer``; accumulates over ``accumulation`` batches; unscales fp16 losses.

    ``reduce(sums, count)``, when given (data parallel), turns this process's
    size-weighted gradient sums and sample count into the mean gradient over all processes.
    """

    def __init__(
        self,
        model: Module,
        optimizer: Optimizer,
        accumulation: int,
        scaler: LossScaler | None,
        reduce: Callable[[list[Any], Any], list[Any]] | None = None,
    ) -> None:
        self.optimizer, self.accumulation, self.scaler, self.reduce = optimizer, accumulation, scaler, reduce
        positions = {id(p): i for i, p in enumerate(model.parameters())}
        owned = [p for group in optimizer.param_groups for p in group["params"]]
        foreign = [i for i, p in enumerate(owned) if id(p) not in positions]
        if foreign:
            raise ArgumentError(
                f"Trainer: the optimizer holds {len(foreign)} variable(s) that are not parameters of the model "
                f"(positions {foreign[:5]} in the optimizer); build the optimizer from model.parameters() of the "
                "model given to the Trainer (after moving the model to its device)"
            )
        self._index = [positions[id(p)] for p in owned]
        self._constraints = constraint_slots(model)  # projected after each optimizer step, as Keras's apply does
        self._sums: list[Any] = []
        self._count: Any = None
        if accumulation > 1:
            self._sums = [B.buffer(np.zeros(tuple(B.shape(p)), np.float32), "grad_sum") for p in owned]
            self._count = B.buffer(np.zeros(1, np.float32), "grad_count")

    def reset(self) -> None:
        """Forget gradients accumulated so far (eager)."""
        for buffer in self._sums:
            B.assign(buffer, B.zeros_like(buffer, None))
        if self._count is not None:
            B.assign(self._count, B.zeros_like(self._count, None))

    def __call__(self, grads: list[Any], size: Any, apply: bool) -> None:
        """Take the gradients of one batch of ``size`` samples; step the optimizer when ``apply``."""
        mine = [grads[i] for i in self._index]
        if self.accumulation > 1:
            mine = self._accumulate(mine, size, apply)
            if not apply:
                return
        elif self.reduce is not None:
            mine = self.reduce([None if g is None else B.multiply(g, size) for g in mine], size)
        if self.scaler is not None:
            self.scaler.apply(mine, self.optimizer.step)
        else:
            self.optimizer.step(mine)
        apply_slots(self._constraints)

    def _accumulate(self, grads: list[Any], size: Any, apply: bool) -> list[Any]:
        """Add ``size * g`` to the sums; when applying, return ``sums / count`` and zero the sums."""
        total = B.add(B.reshape(self._count, ()), size)
        out: list[Any] = []
        for buffer, grad in zip(self._sums, grads):
            if grad is None:
                out.append(None)
                continue
            summed = B.add(buffer, B.multiply(B.cast(grad, "float32"), size))
            if apply:
                out.append(summed if self.reduce is not None else B.divide(summed, total))
                B.assign(buffer, B.zeros_like(buffer, None))
            else:
                B.assign(buffer, summed)
        B.assign(self._count, B.zeros_like(self._count, None) if apply else B.reshape(total, (1,)))
        return self.reduce(out, total) if apply and self.reduce is not None else out


class RunningMeans:
    """Per-key means of step outputs over an epoch, weighted by batch size.

    :meth:`add` only keeps the scalar tensors (no device op, no host read per
    batch); :meth:`result` stacks what came since the last call, reads it to the
    host once per key and folds it into float64 running sums.
    """

    def __init__(self) -> None:
        self._pending: dict[str, tuple[list[Any], list[int]]] = {}
        self._sums: dict[str, float] = {}
        self._counts: dict[str, int] = {}

    def reset(self) -> None:
        self._pending, self._sums, self._counts = {}, {}, {}

    def add(self, values: dict[str, Any], size: int) -> None:
        """Keep one batch's values (scalar tensors or numbers, detached) for ``size`` samples."""
        for key, value in values.items():
            if value is not None:
                kept, sizes = self._pending.setdefault(key, ([], []))
                kept.append(value)
                sizes.append(size)

    def result(self) -> dict[str, float]:
        """The means so far, as Python floats."""
        for key, (kept, sizes) in self._pending.items():
            if kept:
                host = _scalars(kept)
                self._sums[key] = self._sums.get(key, 0.0) + float(np.dot(host, np.asarray(sizes, np.float64)))
                self._counts[key] = self._counts.get(key, 0) + sum(sizes)
                kept.clear()
                sizes.clear()
        return {key: total / self._counts[key] for key, total in self._sums.items() if self._counts[key]}

    def totals(self) -> dict[str, tuple[float, int]]:
        """``{key: (weighted sum, samples)}`` so far, as :meth:`result` divides them (to add over processes)."""
        self.result()
        return {key: (total, self._counts[key]) for key, total in self._sums.items()}


def _scalars(values: list[Any]) -> np.ndarray:
    """``values`` (scalar tensors or numbers) as float64: one stack and one host read when they share a dtype."""
    tensors = [v for v in values if B.is_tensor(v)]
    if len(tensors) == len(values) and len({B.dtype(t) for t in tensors}) == 1:
        return B.to_numpy(B.stack(tensors)).astype(np.float64).reshape(len(values), -1)[:, 0]  # type: ignore[no-any-return]
    return np.array([np.asarray(B.to_numpy(v) if B.is_tensor(v) else v, np.float64).reshape(-1)[0] for v in values])


def detached(out: Any) -> Any:
    """A step's dict with its tensors cut from the graph (free inside a compiled step), so logs keep no graph."""
    if not isinstance(out, dict):
        return {} if out is None else out
    return {k: B.stop_gradient(v) if B.is_tensor(v) else v for k, v in out.items()}
