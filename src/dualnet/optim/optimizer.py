"""``Optimizer``: parameter groups, per-parameter state, clipping, learning rates and the step loop.

Update rules follow PyTorch's documented algorithms. A subclass writes its
rule once on the ops (the *reference path*) and names the backend's fused
multi-tensor version of the same math (the *fast path*: ``torch._foreach_*``
ops on torch, one ``tf.function`` on TensorFlow). A subclass defines:

- ``init_state(param, group)``: its state buffers for one parameter, created at
  construction so that a compiled step never creates variables;
- ``step_scalars(group, step, lr)``: the hyper-parameters of this step (bias
  corrections and the like); ``None`` turns a term off;
- ``update(param, grad, state, hyper)``: the reference update of one parameter;
- ``fused``: the name of its rule in the backend's fast path, ``B.optim_fused(fused, params, states)``,
  or ``None`` for a rule that has none (every step then takes the reference path).

Options every optimizer takes (:class:`OptimizerOptions`): gradient clipping,
``foreach``, and Keras's weight averaging (``use_ema``, ``ema_momentum``,
``ema_overwrite_frequency``; see :mod:`dualnet.optim.ema`). A group
hyper-parameter ``maximize`` (where PyTorch's optimizer has one) negates the
gradients first, so the rule ascends.

Eager steps compute the per-step scalars as Python floats (as torch does) and
use the fast path unless ``foreach=False``. Inside a compiled step
(``dn.function``) the step count and learning rate come from backend buffers,
the scalars are float64 tensors and the reference path is traced: the compiler
fuses it anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Unpack

import numpy as np

from dualnet.arguments import check_bool
from dualnet.backend import placement
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import stamp
from dualnet.optim import clipping, ema, state as state_io
from dualnet.optim.options import OptimizerOptions, Options, check_learning_rate

__all__ = ["Optimizer"]


class Optimizer:
    """Base optimizer.

    ``params``: variables (``model.parameters()``), or dicts ``{"params": [...], **hyper_parameters}``
    (parameter groups, each overriding the defaults). ``options``: see :class:`OptimizerOptions`
    (clipping, ``foreach``, ``use_ema``...); the default uses the backend's fast path where the rule has one.

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    fused: ClassVar[str | None] = None  # the rule's name for B.optim_fused; None: reference path only

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any], **options: Unpack[OptimizerOptions]) -> None:
        name = type(self).__name__
        parsed = Options.parse(name, options, defaults)
        self.clipnorm, self.clipvalue, self.global_clipnorm = parsed.clipnorm, parsed.clipvalue, parsed.global_clipnorm
        self.foreach, self.ema = parsed.foreach, parsed.ema
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = [self._make_group(g, k) for k, g in enumerate(self._groups(params))]
        self._params = [p for group in self.param_groups for p in group["params"]]
        if len({id(p) for p in self._params}) != len(self._params):
            raise ArgumentError(f"{name}: a parameter appears more than once; list each parameter in one group only")
        self._group_indices: list[list[int]] = []
        start = 0
        for group in self.param_groups:
            self._group_indices.append(list(range(start, start + len(group["params"]))))
            start += len(group["params"])
        self.state: list[dict[str, Any]] = []
        for group in self.param_groups:
            for param in group["params"]:
                with _placed_like(param):
                    self.state.append(self.init_state(param, group))
                    if self.ema is not None:
                        self.state[-1][ema.BUFFER] = self.zeros_like(param)
        self._iterations = B.buffer(np.array(0, np.int64), "iterations")
        self._host_iterations = 0  # its value, kept in Python so that eager steps never read the device
        self._compiled = False
        # The learning rate of each group as a buffer too, so a compiled step sees later changes (callbacks).
        self._lr_buffers = [B.buffer(np.array(self._float_lr(g["lr"])), "lr") for g in self.param_groups]
        self._lr_synced = [self._float_lr(g["lr"]) for g in self.param_groups]
        self._checked = False
        self._fused: dict[tuple[int, tuple[int, ...]], Any] = {}
        self._backend = B.name  # its buffers' backend: every use checks it (nn/stamp.py)

    # --- construction -------------------------------------------------------------------------

    def _groups(self, params: Iterable[Any]) -> list[dict[str, Any]]:
        name = type(self).__name__
        items = list(params) if not isinstance(params, dict) else [params]
        if not items:
            raise ArgumentError(
                f"{name}: got no parameters to optimize; pass model.parameters() of a model that has weights "
                "(call the model once on an example input if its layers infer their sizes)"
            )
        if not all(isinstance(item, dict) for item in items):
            if any(isinstance(item, dict) for item in items):
                raise ArgumentError(f"{name}: pass either variables or parameter-group dicts, not a mix of both")
            return [{"params": items}]
        return [dict(item) for item in items]

    def _make_group(self, group: dict[str, Any], index: int) -> dict[str, Any]:
        name = type(self).__name__
        owner = name if index == 0 else f"{name} param group {index}"
        if "params" not in group:
            raise ArgumentError(f"{owner}: a parameter group needs a 'params' entry; pass {{'params': [...], ...}}")
        unknown = sorted(set(group) - set(self.defaults) - {"params"})
        if unknown:
            raise ArgumentError(f"{owner}: unknown hyper-parameter(s) {unknown}; {name} takes {sorted(self.defaults)}")
        params = group["params"]
        params = [params] if B.is_tensor(params) else list(params)
        if not params:
            raise ArgumentError(f"{owner}: a parameter group has no parameters; drop the group or add variables")
        for param in params:
            if not B.is_variable(param):
                stamp.check_native(owner, param)  # a variable of the other framework: a StateError with the fix
                raise ArgumentError(
                    f"{owner}: expected variables (model.parameters()), got {type(param).__name__}; "
                    "pass the model's parameters"
                )
        merged = {**self.defaults, **group, "params": params}
        merged["lr"] = check_learning_rate(owner, merged["lr"])
        if "maximize" in merged:
            merged["maximize"] = check_bool(owner, "maximize", merged["maximize"])
        self.check_group(owner, merged)
        return merged

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        """Validate and normalise one group's hyper-parameters in place (ArgumentError naming ``owner``)."""

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        """The state buffers of one parameter (none by default)."""
        return {}

    @staticmethod
    def zeros_like(param: Any, fill: float = 0.0) -> Any:
        """A state buffer shaped like ``param``, filled with ``fill``."""
        return B.buffer(np.full(tuple(B.shape(param)), fill, B.dtype(param)), "optimizer_state")

    # --- learning rate and step count ------------------------------------------------------------

    @staticmethod
    def _float_lr(lr: Any) -> float:
        return 0.0 if callable(lr) else float(lr)

    @property
    def iterations(self) -> int:
        """How many steps were taken (the step count schedules read)."""
        if self._compiled:  # compiled steps advanced the buffer without Python knowing
            return int(B.to_numpy(self._iterations))
        return self._host_iterations

    @iterations.setter
    def iterations(self, value: int) -> None:
        self._host_iterations = int(value)
        B.assign(self._iterations, np.array(value, np.int64))

    @property
    def lr(self) -> float:
        """The learning rate of the next step (of the first group); settable, e.g. by callbacks.

        Setting it sets every group's learning rate (a number or a schedule).
        """
        return self.group_lr(0)

    @lr.setter
    def lr(self, value: Any) -> None:
        value = check_learning_rate(type(self).__name__, value)
        for index, group in enumerate(self.param_groups):
            group["lr"] = value
            self._sync_lr(index)

    def group_lr(self, index: int) -> float:
        """The learning rate the next step uses for group ``index``."""
        lr = self.param_groups[index]["lr"]
        if callable(lr):
            value = lr(self.iterations)
            return float(B.to_numpy(value)) if B.is_tensor(value) else float(value)
        return float(lr)

    def set_group_lr(self, index: int, value: float) -> None:
        """Set group ``index``'s learning rate (a number, or a schedule); a compiled step sees it too.

        Raises:
            ArgumentError: ``value`` is negative, NaN, infinite, or neither a number nor callable.
        """
        self.param_groups[index]["lr"] = check_learning_rate(type(self).__name__, value)
        self._sync_lr(index)

    def _sync_lr(self, index: int) -> None:
        lr = self.param_groups[index]["lr"]
        if not callable(lr) and lr != self._lr_synced[index]:
            B.assign(self._lr_buffers[index], np.array(lr, np.float64))
            self._lr_synced[index] = lr

    def _step_lr(self, index: int, step: Any, traced: bool) -> Any:
        lr = self.param_groups[index]["lr"]
        if callable(lr):
            value = lr(step - 1)  # the schedule at the number of steps already taken
            if traced:
                return B.cast(value, "float64") if B.is_tensor(value) else float(value)
            return float(B.to_numpy(value)) if B.is_tensor(value) else float(value)
        if traced:
            return self._lr_buffers[index]
        self._sync_lr(index)
        return lr

    def _advance(self, traced: bool) -> Any:
        """Increment the step count; the new count as an int (eager) or a float64 tensor (compiled)."""
        if traced:
            self._compiled = True
            count = self._iterations + 1
            B.assign(self._iterations, count)
            return B.cast(count, "float64")
        count = self.iterations + 1
        self._host_iterations = count
        B.assign(self._iterations, self._iterations + 1)  # on the device: no round trip through the host
        return count

    # --- the step ------------------------------------------------------------------------------

    def step(self, grads: Sequence[Any]) -> None:
        """Apply one update; ``grads`` is aligned with the flattened parameters (None skips one).

        Raises:
            ArgumentError: ``grads`` is not a list.
            ShapeError, DTypeError: gradients not aligned with the parameters (see the class).
            StateError: the averaged weights are swapped in (see :meth:`averaged_weights`), or the optimizer
                was made on another backend than the active one.
        """
        stamp.check_object(type(self).__name__, self._backend, "step()")
        params = self._params
        if self.ema is not None:
            self.ema.check_not_swapped(type(self).__name__)
        try:
            count = len(grads)
        except TypeError:
            raise ArgumentError(
                f"{type(self).__name__}.step(grads): expected a list of gradients aligned with the parameters, got "
                f"{type(grads).__name__}; pass the gradients from dn.value_and_grad(...)(model, ...)"
            ) from None
        if count != len(params):
            raise ShapeError(
                f"{type(self).__name__}.step: got {len(grads)} gradients for {len(params)} parameters; "
                "pass the gradients from dn.value_and_grad(...)(model, ...) for the same model"
            )
        traced = bool(B.is_tracing())
        grads = [
            g if g is None or B.is_tensor(g) else B.convert_to_tensor(g, B.dtype(p)) for g, p in zip(grads, params)
        ]
        if not self._checked and not traced:
            self._check_grads(grads)
            self._checked = True
        with B.no_grad():
            grads = self._clip(grads)
            step = self._advance(traced)
            for index, group in enumerate(self.param_groups):
                present = [i for i in self._group_indices[index] if grads[i] is not None]
                if not present:
                    continue
                hyper = self.step_scalars(group, step, self._step_lr(index, step, traced))
                group_params = [params[i] for i in present]
                group_grads = [grads[i] for i in present]
                if group.get("maximize"):
                    group_grads = [-g for g in group_grads]
                group_states = [self.state[i] for i in present]
                if traced or self.foreach is False or self.fused is None:
                    self._reference(group_params, group_grads, group_states, hyper, traced)
                else:
                    self._fused_update(index, present)(group_grads, hyper)
            if self.ema is not None:
                self.ema.update(params, self.state, step)

    def _fused_update(self, index: int, present: list[int]) -> Any:
        key = (index, tuple(present))
        apply = self._fused.get(key)
        if apply is None:  # built once per group (and per set of parameters that have gradients)
            params, states = [self._params[i] for i in present], [self.state[i] for i in present]
            apply = self._fused[key] = B.optim_fused(str(self.fused), params, states)
        return apply

    def _reference(self, params: list[Any], grads: list[Any], states: list[Any], hyper: Any, traced: bool) -> None:
        by_dtype: dict[str, dict[str, Any]] = {}
        for param, grad, state in zip(params, grads, states):
            scalars = hyper
            if traced:  # float64 tensors -> the parameter's dtype; Python floats adapt by themselves
                dtype = B.dtype(param)
                if dtype not in by_dtype:
                    by_dtype[dtype] = {k: B.cast(v, dtype) if B.is_tensor(v) else v for k, v in hyper.items()}
                scalars = by_dtype[dtype]
            self.update(param, grad, state, scalars)

    def _clip(self, grads: list[Any]) -> list[Any]:
        if self.clipnorm is not None:
            return clipping.clip_by_norm(grads, self.clipnorm)
        if self.global_clipnorm is not None:
            return clipping.clip_by_global_norm(grads, self.global_clipnorm, foreach=self.foreach)[0]
        if self.clipvalue is not None:
            return clipping.clip_by_value(grads, self.clipvalue)
        return grads

    def _check_grads(self, grads: Sequence[Any]) -> None:
        for index, (param, grad) in enumerate(zip(self._params, grads)):
            if grad is not None and tuple(B.shape(grad)) != tuple(B.shape(param)):
                raise ShapeError(
                    f"{type(self).__name__}.step: gradient {index} has shape {tuple(B.shape(grad))} but its "
                    f"parameter has shape {tuple(B.shape(param))}; pass gradients aligned with the parameters"
                )
            if grad is not None and B.dtype(grad) != B.dtype(param):
                raise DTypeError(
                    f"{type(self).__name__}.step: gradient {index} is {B.dtype(grad)} but its parameter is "
                    f"{B.dtype(param)}; cast the gradient to the parameter's dtype"
                )

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        """The hyper-parameters of this step for one group (``step`` counts from 1)."""
        raise NotImplementedError

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        """Update one parameter in place (the reference path); ``state`` is its own dict of buffers."""
        raise NotImplementedError

    # --- weight averaging (use_ema) -------------------------------------------------------------

    @contextmanager
    def averaged_weights(self) -> Iterator[None]:
        """Within: the parameters hold their moving averages (for evaluate, predict, saving); after: restored.

        ``with opt.averaged_weights(): trainer.evaluate(x, y)``. Steps are refused inside.

        Raises:
            StateError: the optimizer was built without ``use_ema=True``, or the averages are swapped in already.
        """
        stamp.check_object(type(self).__name__, self._backend, "averaged_weights()")
        averaging = ema.required(self.ema, type(self).__name__, "averaged_weights()")
        averaging.swap(self._params, self.state)
        try:
            yield
        finally:
            averaging.swap(self._params, self.state)

    def swap_averaged_weights(self) -> None:
        """Exchange the parameters with their moving averages; a second call swaps them back.

        For callbacks that swap around evaluation (as Keras's ``SwapEMAWeights``); prefer
        :meth:`averaged_weights`, which cannot forget to swap back.

        Raises:
            StateError: the optimizer was built without ``use_ema=True``.
        """
        stamp.check_object(type(self).__name__, self._backend, "swap_averaged_weights()")
        ema.required(self.ema, type(self).__name__, "swap_averaged_weights()").swap(self._params, self.state)

    def finalize_variable_values(self) -> None:
        """Keras's end of training: with ``use_ema``, overwrite the parameters with their averages (else nothing).

        ``Trainer.fit`` calls it when training ends, as Keras's ``fit`` does.
        """
        stamp.check_object(type(self).__name__, self._backend, "finalize_variable_values()")
        if self.ema is not None:
            self.ema.overwrite(self._params, self.state)

    # --- state dict ----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Flat ``{name: array}``: ``iterations``, ``param_groups.<g>.<hyper>``, ``state.<i>.<buffer>``.

        Learning-rate schedules are code, not state: a group whose ``lr`` is a schedule stores none
        (the step count is enough to resume it). The dict can be written to safetensors as is.
        """
        stamp.check_object(type(self).__name__, self._backend, "state_dict()")
        return state_io.to_arrays(self)

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore the step count, hyper-parameters and buffers saved by :meth:`state_dict`.

        Raises StateDictError naming the entry when the state is for other parameters or options,
        StateError when the optimizer was made on another backend than the active one.
        """
        stamp.check_object(type(self).__name__, self._backend, "load_state_dict()")
        state_io.from_arrays(self, state)

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        text = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        extra = f", {len(self.param_groups)} param groups" if len(self.param_groups) > 1 else ""
        return f"{type(self).__name__}({text}{extra})"


@contextmanager
def _placed_like(param: Any) -> Iterator[None]:
    """New buffers go on ``param``'s device, so that state lives next to its parameter."""
    token = placement.scoped().set(B.device_of(param))
    try:
        yield
    finally:
        placement.scoped().reset(token)
