"""Optimizer fast paths on TensorFlow: every parameter of a group updated in one compiled ``tf.function`` call.

``optim_fused(name, params, states)`` returns ``apply(grads, hyper)``, the
same math as the reference ``update`` of ``dualnet.optim``, written on TF ops
and traced once. The numbers that change from step to step
(learning rate, bias corrections) travel as float64 tensors, cast to each
parameter's dtype inside, so they never retrace; the other hyper-parameters
(betas, eps, ``None`` for a term turned off, bools) are Python constants of
the trace, exactly as in the reference path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet import dtypes
from dualnet.backend import common
from dualnet.backend.api.types import Tensor, Variable


def optim_fused(
    name: str, params: list[Variable], states: list[dict[str, Variable]]
) -> Callable[[list[Tensor], dict[str, Any]], None]:
    """``apply(grads, hyper)``: the update rule ``name`` for all of ``params`` (and their ``states``) at once."""
    body, dynamic = _RULES[name]
    return _Fused(body, dynamic, list(params), list(states))


def optim_clip_by_global_norm(grads: list[Tensor], max_norm: float) -> tuple[list[Tensor], tf.Tensor]:
    """``(grads * min(max_norm / (norm + 1e-6), 1), norm)`` with ``norm`` the joint 2-norm, as the reference."""
    return _clip_by_global_norm([tf.convert_to_tensor(g) for g in grads], max_norm)


def _clip(grads: list[Tensor], max_norm: float) -> tuple[list[Tensor], tf.Tensor]:
    common = tf.as_dtype(dtypes.result_type(*[g.dtype.name for g in grads]))
    norms = [tf.cast(tf.sqrt(tf.reduce_sum(tf.square(g))), common) for g in grads]
    total = tf.sqrt(tf.reduce_sum(tf.square(tf.stack(norms))))
    factor = tf.minimum(max_norm / (total + 1e-6), 1.0)
    return [g * tf.cast(factor, g.dtype) for g in grads], total


_clip_by_global_norm: Callable[[list[Tensor], float], tuple[list[Tensor], tf.Tensor]] = tf.function(
    _clip, autograph=False, reduce_retracing=True
)


def optim_newton_schulz(
    x: Tensor, coefficients: tuple[float, float, float], steps: int, eps: float, dtype: str
) -> tf.Tensor:
    """torch.optim.Muon's orthogonalisation in ``dtype``, each product-and-sum rounded once as torch's ``addmm``.

    A narrow ``dtype`` (bfloat16, float16) is emulated: its values are exact in float32, so each product is
    formed in float32 and rounded to ``dtype`` once, the rounding torch's CPU kernels do.
    """
    a, b, c = coefficients
    narrow = tf.as_dtype(dtype)
    wide = narrow if narrow in (tf.float32, tf.float64) else tf.float32

    def rounded(value: tf.Tensor) -> tf.Tensor:
        return tf.cast(tf.cast(value, narrow), wide)

    ortho = rounded(tf.convert_to_tensor(x))
    tall = ortho.shape[0] > ortho.shape[1]
    if tall:
        ortho = tf.transpose(ortho)
    norm = tf.maximum(rounded(tf.norm(ortho)), rounded(tf.constant(eps, wide)))
    ortho = rounded(ortho / norm)
    for _ in range(steps):
        gram = rounded(tf.matmul(ortho, ortho, transpose_b=True))
        update = rounded(b * gram + c * tf.matmul(gram, gram))
        ortho = rounded(a * ortho + tf.matmul(update, ortho))
    return tf.cast(tf.transpose(ortho) if tall else ortho, narrow)


class _Fused:
    """One compiled update of a fixed list of variables, traced once per set of constant hyper-parameters.

    The variables are captured by the trace rather than passed in, and the traced graph is called as a
    concrete function: per step only the gradients and the changing scalars cross into TensorFlow.
    """

    def __init__(
        self,
        body: Callable[..., None],
        dynamic: tuple[str, ...],
        params: list[Variable],
        states: list[dict[str, Variable]],
    ) -> None:
        self._body, self._dynamic = body, dynamic
        self._params, self._states = params, states
        self._graphs: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, grads: list[Tensor], hyper: dict[str, Any]) -> None:
        names = [k for k in self._dynamic if hyper[k] is not None]
        constants = tuple(sorted((k, v) for k, v in hyper.items() if k not in names))
        grads = [tf.convert_to_tensor(g) for g in grads]
        # From NumPy, not Python floats: TensorFlow caches every eager constant made from a Python scalar,
        # forever, and these values (step size, bias corrections) are new at every step.
        scalars = [tf.convert_to_tensor(np.asarray(hyper[k], np.float64)) for k in names]
        graph = self._graphs.get(constants)
        if graph is None:
            graph = self._graphs[constants] = self._trace(dict(constants), names, grads, scalars)
        graph(grads, scalars)

    def _trace(self, constants: dict[str, Any], names: list[str], grads: list[Tensor], scalars: list[Tensor]) -> Any:
        def update(grads: list[Tensor], scalars: list[Tensor]) -> None:
            by_dtype: dict[tf.DType, dict[str, Any]] = {}
            for param, grad, state in zip(self._params, grads, self._states):
                if param.dtype not in by_dtype:
                    cast = {k: tf.cast(v, param.dtype) for k, v in zip(names, scalars)}
                    by_dtype[param.dtype] = {**constants, **cast}
                self._body(param, grad, state, by_dtype[param.dtype])

        # Plain Python control flow on Python values: nothing for autograph to convert.
        return tf.function(update, autograph=False).get_concrete_function(grads, scalars)


def _lerp(start: Any, end: Any, weight: float) -> Any:
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1.0 - weight)


def _sgd(param: Any, grad: Any, state: dict[str, Any], h: dict[str, Any]) -> None:
    """SGD with momentum, dampening, Nesterov and weight decay."""
    if h["weight_decay"] is not None:
        grad = grad + h["weight_decay"] * param
    if h["momentum"] is not None:
        buf = state["momentum_buffer"]
        buf.assign(buf * h["momentum"] + h["dampening"] * grad)
        grad = grad + h["momentum"] * buf if h["nesterov"] else buf.read_value()
    param.assign(param - h["lr"] * grad)


def _adam(param: Any, grad: Any, state: dict[str, Any], h: dict[str, Any]) -> None:
    """Adam / AdamW (``decay``), with AMSGrad."""
    if h["weight_decay"] is not None:
        grad = grad + h["weight_decay"] * param
    if h["decay"] is not None:
        param.assign(param * h["decay"])
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    exp_avg.assign(_lerp(exp_avg, grad, 1.0 - h["beta1"]))
    exp_avg_sq.assign(exp_avg_sq * h["beta2"] + (1.0 - h["beta2"]) * grad * grad)
    second = exp_avg_sq
    if h["amsgrad"]:
        second = state["max_exp_avg_sq"]
        second.assign(tf.maximum(second, exp_avg_sq))
    denom = tf.sqrt(second) / h["bias_correction2_sqrt"] + h["eps"]
    param.assign(param - h["step_size"] * exp_avg / denom)


def _rmsprop(param: Any, grad: Any, state: dict[str, Any], h: dict[str, Any]) -> None:
    """RMSprop, centered or not, with momentum and weight decay."""
    if h["weight_decay"] is not None:
        grad = grad + h["weight_decay"] * param
    alpha = h["alpha"]
    square_avg = state["square_avg"]
    square_avg.assign(square_avg * alpha + (1.0 - alpha) * grad * grad)
    if h["centered"]:
        grad_avg = state["grad_avg"]
        grad_avg.assign(_lerp(grad_avg, grad, 1.0 - alpha))
        avg = tf.sqrt(square_avg - grad_avg * grad_avg) + h["eps"]
    else:
        avg = tf.sqrt(square_avg) + h["eps"]
    if h["momentum"] is not None:
        buf = state["momentum_buffer"]
        buf.assign(buf * h["momentum"] + grad / avg)
        param.assign(param - h["lr"] * buf)
    else:
        param.assign(param - h["lr"] * grad / avg)


def _adagrad(param: Any, grad: Any, state: dict[str, Any], h: dict[str, Any]) -> None:
    """Adagrad with learning-rate decay (``clr``) and weight decay."""
    if h["weight_decay"] is not None:
        grad = grad + h["weight_decay"] * param
    total = state["sum"]
    total.assign(total + grad * grad)
    param.assign(param - h["clr"] * grad / (tf.sqrt(total) + h["eps"]))


def _lion(param: Any, grad: Any, state: dict[str, Any], h: dict[str, Any]) -> None:
    """Lion with decoupled weight decay (``decay``)."""
    if h["decay"] is not None:
        param.assign(param * h["decay"])
    exp_avg = state["exp_avg"]
    beta1, beta2 = h["beta1"], h["beta2"]
    direction = tf.sign(exp_avg * beta1 + (1.0 - beta1) * grad)
    param.assign(param - h["lr"] * direction)
    exp_avg.assign(exp_avg * beta2 + (1.0 - beta2) * grad)


def _muon(param: Any, grad: Any, state: dict[str, Any], h: dict[str, Any]) -> None:
    """Muon: momentum, Newton-Schulz orthogonalisation, decoupled decay, shape-adjusted step."""
    buf = state["momentum_buffer"]
    buf.assign(_lerp(buf, grad, 1.0 - h["momentum"]))
    update = _lerp(grad, buf, h["momentum"]) if h["nesterov"] else buf.read_value()
    ortho = optim_newton_schulz(update, h["ns_coefficients"], h["ns_steps"], h["eps"], h["ns_dtype"])
    ratio = common.muon_lr_ratio(h["adjust_lr_fn"], tuple(param.shape))
    param.assign(param * (1.0 - h["lr"] * h["weight_decay"]))
    param.assign(param - h["lr"] * ratio * tf.cast(ortho, param.dtype))


_RULES = {
    "sgd": (_sgd, ("lr", "dampening")),
    "adam": (_adam, ("decay", "step_size", "bias_correction2_sqrt")),
    "rmsprop": (_rmsprop, ("lr",)),
    "adagrad": (_adagrad, ("clr",)),
    "lion": (_lion, ("lr", "decay")),
    "muon": (_muon, ("lr",)),
}
