"""Stochastic weight averaging, as ``torch.optim.swa_utils``: ``AveragedModel``, ``SWALR``, ``update_bn``.

``AveragedModel(model)`` holds a copy of ``model`` whose parameters
``update_parameters(model)`` folds into a running average (equal weights by
default, or any ``avg_fn``; ``get_ema_avg_fn`` gives an exponential one). It is
a ``Module``: call it, evaluate it with a ``Trainer``, save it, checkpoint it
(its ``state_dict`` holds ``module.<path>`` and ``n_averaged``, as torch's);
``swapped_into(model)`` puts the averages into the trained model for a while
instead. ``SWALR`` anneals the learning rate to the SWA rate, one ``step()``
per epoch; ``update_bn`` recomputes the batch-norm statistics for the
averaged weights.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from dualnet.arguments import argument_error, check_callable, check_choice, check_float, check_int, is_number
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError, StateDictError
from dualnet.nn.module import Module
from dualnet.nn.normalization import BatchNorm
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.scalars import lerp

__all__ = [
    "SWALR",
    "AveragedModel",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]

AvgFn = Callable[[Any, Any, int], Any]
"""``(averaged, current, n_averaged) -> new average`` for one tensor."""
MultiAvgFn = Callable[[list[Any], list[Any], int], None]
"""``(averaged, current, n_averaged)`` on lists of variables: updates the averages in place."""


def get_swa_avg_fn() -> AvgFn:
    """The equal-weight running mean: ``averaged + (current - averaged) / (n_averaged + 1)``."""

    def swa_update(averaged: Any, current: Any, n_averaged: int) -> Any:
        return averaged + (current - averaged) / (n_averaged + 1)

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """The exponential moving average: ``decay * averaged + (1 - decay) * current``.

    Raises:
        ArgumentError: ``decay`` is not in [0, 1].
    """
    decay = check_float("get_ema_avg_fn", "decay", decay, low=0.0, high=1.0, example="decay=0.999")

    def ema_update(averaged: Any, current: Any, n_averaged: int) -> Any:
        return decay * averaged + (1.0 - decay) * current

    return ema_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    """The equal-weight running mean over lists, as torch's multi-tensor form (``lerp`` by ``1 / (n + 1)``)."""

    def swa_update(averaged: list[Any], current: list[Any], n_averaged: int) -> None:
        weight = 1.0 / (n_averaged + 1)
        for a, c in zip(averaged, current):
            B.assign(a, lerp(a, c, weight))

    return swa_update


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    """The exponential moving average over lists, as torch's multi-tensor form (``lerp`` by ``1 - decay``).

    Raises:
        ArgumentError: ``decay`` is not in [0, 1].
    """
    decay = check_float("get_ema_multi_avg_fn", "decay", decay, low=0.0, high=1.0, example="decay=0.999")

    def ema_update(averaged: list[Any], current: list[Any], n_averaged: int) -> None:
        for a, c in zip(averaged, current):
            B.assign(a, lerp(a, c, 1.0 - decay))

    return ema_update


class AveragedModel(Module):
    """A copy of ``model`` holding the running average of its parameters, as ``torch.optim.swa_utils.AveragedModel``.

    ``update_parameters(model)`` copies the parameters the first time, then averages them in with
    ``multi_avg_fn`` (lists) or ``avg_fn`` (one tensor at a time; default: equal weights). With
    ``use_buffers`` the buffers (batch-norm statistics) are averaged too; otherwise they are copied
    from ``model`` at each update. ``device`` places the copy (default: where ``model`` is).
    Calling it runs the averaged copy: ``swa_model(x)`` has ``model(x)``'s shapes.

    Raises:
        ArgumentError: ``model`` is not a ``dn.nn.Module``, or ``avg_fn`` / ``multi_avg_fn`` is not callable.
        ShapeError: in :meth:`update_parameters`, a model of another architecture.
    """

    n_averaged: Any  # the number of updates folded in (an int64 buffer)
    module: Module

    def __init__(
        self,
        model: Module,
        device: str | None = None,
        avg_fn: AvgFn | None = None,
        multi_avg_fn: MultiAvgFn | None = None,
        use_buffers: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(model, Module):
            raise argument_error("AveragedModel", "model", model, "a dn.nn.Module", "pass the model being trained")
        for name, fn in (("avg_fn", avg_fn), ("multi_avg_fn", multi_avg_fn)):
            if fn is not None:
                check_callable("AveragedModel", name, fn, example=f"{name}=dn.optim.get_ema_avg_fn(0.999)")
        self.module = copy.deepcopy(model)
        self.avg_fn, self.multi_avg_fn = avg_fn, multi_avg_fn
        self.use_buffers = bool(use_buffers)
        self.add_buffer("n_averaged", np.array(0, np.int64))
        if device is not None:
            self.to(device)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)

    def _pairs(self, model: Module) -> tuple[list[Any], list[Any]]:
        """The averaged variables and the model's, aligned (parameters, then buffers with ``use_buffers``)."""
        if not isinstance(model, Module):
            raise argument_error(
                "AveragedModel.update_parameters", "model", model, "a dn.nn.Module", "pass the model being trained"
            )
        own, theirs = self.module.parameters(), model.parameters()
        if self.use_buffers:
            own += [b for _, b in self.module.named_buffers()]
            theirs += [b for _, b in model.named_buffers()]
        shapes = [tuple(B.shape(v)) for v in own]
        if len(own) != len(theirs) or shapes != [tuple(B.shape(v)) for v in theirs]:
            raise ShapeError(
                f"AveragedModel.update_parameters: the model has {len(theirs)} tensors of other shapes than the "
                f"{len(own)} averaged ones; pass the model this AveragedModel was made from"
            )
        return own, theirs

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current parameters (and buffers, with ``use_buffers``) into the average.

        Raises:
            ArgumentError: ``model`` is not a Module.
            ShapeError: ``model`` has other parameters than the one this copy was made from.
        """
        own, theirs = self._pairs(model)
        count = int(B.to_numpy(self.n_averaged))
        with B.no_grad():
            current = [B.to_device(v, B.device_of(a)) for a, v in zip(own, theirs)]
            if count == 0:
                for averaged, value in zip(own, current):
                    B.assign(averaged, value)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(own, current, count)
            else:
                update = self.avg_fn if self.avg_fn is not None else get_swa_avg_fn()
                for averaged, value in zip(own, current):
                    B.assign(averaged, update(averaged, value, count))
            if not self.use_buffers:  # the statistics follow the trained model
                for (_, mine), (_, source) in zip(self.module.named_buffers(), model.named_buffers()):
                    B.assign(mine, B.to_device(source, B.device_of(mine)))
            B.assign(self.n_averaged, np.array(count + 1, np.int64))

    @contextmanager
    def swapped_into(self, model: Module) -> Iterator[None]:
        """Within: ``model``'s parameters and buffers hold the averaged ones (to evaluate, predict, save it).

        ``with swa_model.swapped_into(model): trainer.evaluate(x, y)``.

        Raises:
            ArgumentError, ShapeError: ``model`` is not the architecture this copy was made from.
        """
        if not isinstance(model, Module):
            raise argument_error(
                "AveragedModel.swapped_into", "model", model, "a dn.nn.Module", "pass the trained model"
            )
        mine = self.module.parameters() + [b for _, b in self.module.named_buffers()]
        theirs = model.parameters() + [b for _, b in model.named_buffers()]
        if [tuple(B.shape(v)) for v in mine] != [tuple(B.shape(v)) for v in theirs]:
            raise ShapeError(
                "AveragedModel.swapped_into(model): the model's parameters and buffers differ from the averaged "
                "copy's; pass the model this AveragedModel was made from"
            )
        _swap(mine, theirs)
        try:
            yield
        finally:
            _swap(mine, theirs)

    def extra_repr(self) -> str:
        return f"use_buffers={self.use_buffers}"


def _swap(a: Sequence[Any], b: Sequence[Any]) -> None:
    with B.no_grad():
        for x, y in zip(a, b):
            held = B.multiply(x, 1)
            B.assign(x, B.to_device(y, B.device_of(x)))
            B.assign(y, B.to_device(held, B.device_of(y)))


def _anneal_cos(t: float) -> float:
    return (1.0 - math.cos(math.pi * t)) / 2.0


def _anneal_linear(t: float) -> float:
    return t


class SWALR:
    """The SWA learning-rate schedule, as ``torch.optim.swa_utils.SWALR``: call :meth:`step` once per epoch.

    Over ``anneal_epochs`` steps each group's rate goes from its value when the schedule starts to
    ``swa_lr`` (one value, or one per group) along a cosine (``anneal_strategy="cos"``) or a line
    (``"linear"``), then stays there. Construction takes the first step (epoch 0), as torch's.

    Raises:
        ArgumentError: an argument outside its valid values, or a group whose ``lr`` is a schedule.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr: float | Sequence[float],
        anneal_epochs: int = 10,
        anneal_strategy: str = "cos",
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise argument_error("SWALR", "optimizer", optimizer, "a dn.optim optimizer", "pass the training optimizer")
        groups = optimizer.param_groups
        rates: list[Any] = list(swa_lr) if isinstance(swa_lr, list | tuple) else [swa_lr] * len(groups)
        if len(rates) != len(groups) or not all(is_number(r) and math.isfinite(r) and r >= 0 for r in rates):
            raise argument_error(
                "SWALR", "swa_lr", swa_lr, f"a number >= 0, or {len(groups)} (one per group)", "pass e.g. swa_lr=0.05"
            )
        for index, group in enumerate(groups):
            if callable(group["lr"]):
                raise ArgumentError(
                    f"SWALR: group {index} follows a learning-rate schedule ({group['lr']!r}), which SWALR cannot also "
                    "set; give the optimizer a constant lr"
                )
        self.optimizer = optimizer
        self.swa_lrs = [float(r) for r in rates]
        self.anneal_epochs = check_int("SWALR", "anneal_epochs", anneal_epochs, low=0, example="anneal_epochs=10")
        self.anneal_strategy = check_choice("SWALR", "anneal_strategy", anneal_strategy, ("cos", "linear"))
        self._anneal = _anneal_cos if self.anneal_strategy == "cos" else _anneal_linear
        self.last_epoch = -1
        self._step_count = 0
        self._last_lr: list[float] = []
        self.step()

    def _rates(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        prev_alpha = self._anneal(max(0.0, min(1.0, (step - 1) / span)))
        alpha = self._anneal(max(0.0, min(1.0, step / span)))
        rates = []
        for group, swa_lr in zip(self.optimizer.param_groups, self.swa_lrs):
            # the rate the annealing started from, recovered from the current one (torch's _get_initial_lr)
            start = swa_lr if prev_alpha == 1 else (group["lr"] - prev_alpha * swa_lr) / (1 - prev_alpha)
            rates.append(swa_lr * alpha + start * (1 - alpha))
        return rates

    def step(self) -> None:
        """Advance one epoch and set each group's learning rate."""
        self._step_count += 1
        self.last_epoch += 1
        rates = self._rates()
        for index, rate in enumerate(rates):
            self.optimizer.set_group_lr(index, rate)
        self._last_lr = rates

    def get_last_lr(self) -> list[float]:
        """The rates the last :meth:`step` set, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, np.ndarray]:
        """``{"last_epoch", "step_count", "swa_lrs"}`` as arrays (safetensors-ready)."""
        return {
            "last_epoch": np.array(self.last_epoch, np.int64),
            "step_count": np.array(self._step_count, np.int64),
            "swa_lrs": np.array(self.swa_lrs, np.float64),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved.

        Raises:
            StateDictError: the entries are missing or for another number of groups.
        """
        try:
            swa_lrs = [float(r) for r in np.asarray(state["swa_lrs"]).reshape(-1)]
            last_epoch, step_count = int(state["last_epoch"]), int(state["step_count"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StateDictError(f"SWALR.load_state_dict: expected last_epoch, step_count and swa_lrs ({exc})") from exc
        if len(swa_lrs) != len(self.swa_lrs):
            raise StateDictError(
                f"SWALR.load_state_dict: {len(swa_lrs)} rates saved for {len(self.swa_lrs)} parameter groups"
            )
        self.swa_lrs, self.last_epoch, self._step_count = swa_lrs, last_epoch, step_count

    def __repr__(self) -> str:
        strategy = self.anneal_strategy
        return f"SWALR(swa_lr={self.swa_lrs}, anneal_epochs={self.anneal_epochs}, anneal_strategy={strategy!r})"


def update_bn(loader: Iterable[Any], model: Module, device: str | None = None) -> None:
    """Recompute every ``BatchNorm``'s moving statistics as the plain mean over ``loader``'s batches (torch's rule).

    The statistics are reset, each batch (its first element when it is a tuple or list, as
    ``(x, y)``) runs through ``model`` in training mode with cumulative averaging, and the
    momenta and the model's mode are restored. ``device`` moves each batch there first.
    As everywhere in dualnet the moving variance averages the biased batch variances
    (torch averages unbiased ones); the means are torch's.

    Raises:
        ArgumentError: ``model`` is not a Module.
    """
    if not isinstance(model, Module):
        raise argument_error("update_bn", "model", model, "a dn.nn.Module", "pass the (averaged) model")
    norms = [m for m in model.modules() if isinstance(m, BatchNorm) and m.built]
    if not norms:
        return
    momenta = [bn.momentum for bn in norms]
    for bn in norms:
        B.assign(bn.moving_mean, np.zeros(tuple(B.shape(bn.moving_mean)), "float32"))
        B.assign(bn.moving_variance, np.ones(tuple(B.shape(bn.moving_variance)), "float32"))
    try:
        with model._in_mode(True):
            for seen, batch in enumerate(loader):
                inputs = batch[0] if isinstance(batch, tuple | list) else batch
                if device is not None:
                    inputs = B.to_device(inputs, device)
                for bn in norms:  # keep (n - 1) / n of the mean so far: the plain mean of the n batches
                    bn.momentum = seen / (seen + 1)
                model(inputs)
    finally:
        for bn, momentum in zip(norms, momenta):
            bn.momentum = momentum
