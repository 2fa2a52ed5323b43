"""Checks of dualnet's losses against Keras 3 (on TensorFlow) and torch.nn, shared by the family test modules.

A module lists its losses as ``SPECS``; ``conftest.py`` parametrizes the
tests below (imported into the module) over them. Each check runs on the
active dualnet backend (the ``backend`` fixture) in float32, against the
reference run on the same float32 arrays (same inputs, same weights):

- Keras's value for every reduction (``"sum_over_batch_size"``, ``"sum"``,
  ``None``, ``"mean_with_sample_weight"``), without and with ``sample_weight``,
  and Keras's gradient (``tf.GradientTape``) of the mean;
- torch's value for ``"mean"``, ``"sum"`` and (where its shape is dualnet's)
  ``"none"``, and torch's autograd gradient of the mean;
- that weighting and reducing agree with dualnet's own unreduced values.

Values agree within 1e-6 relative; gradients within 1e-5 relative (the
frameworks order their float32 sums differently), or 1e-6 of the largest
gradient element, for elements that float32 cancellation leaves small
(Circle's ``gamma=80`` scales its terms up).
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tensorflow as tf
import torch

import dualnet as dn
from dualnet.losses import Loss

VALUE_RTOL, VALUE_ATOL = 1e-6, 1e-7
GRAD_RTOL, GRAD_ATOL = 1e-5, 1e-7
REDUCTIONS = ("mean", "sum", "none", "mean_with_sample_weight")
_KERAS_REDUCTION = {
    "mean": "sum_over_batch_size",
    "sum": "sum",
    "none": None,
    "mean_with_sample_weight": "mean_with_sample_weight",
}

Pred = Any  # an array, or a tuple of arrays for the pair and triplet losses
Reference = Callable[[Any, Any, str], Any]  # torch's loss: (y_pred, y_true, PyTorch's reduction name) -> tensor


@dataclass(frozen=True)
class Case:
    """Inputs for one check: ``y_pred`` (an array or a tuple of them), ``y_true``, a ``sample_weight`` to try."""

    label: str
    y_pred: Pred
    y_true: Any
    weight: np.ndarray | None = None


@dataclass(frozen=True, eq=False)  # hashed by identity: the reference results are cached per spec
class Spec:
    """One loss and its references.

    ``make(reduction)`` builds the dualnet loss; ``keras(reduction)`` Keras's (called ``(y_true, y_pred)``);
    ``torch(y_pred, y_true, reduction)`` returns torch's reduced value (tensors in, PyTorch's reduction names).
    ``keras_none`` / ``torch_none``: the reference's unreduced values have dualnet's shape. ``counts_values``:
    the mean divides by the number of values (not by class weights or a mask). ``keras_gradient``: Keras's
    reference has the same gradient (not so where it computes the same values another way).
    """

    id: str
    make: Callable[[str], Loss]
    cases: tuple[Case, ...]
    keras: Callable[[Any], Any] | None = None
    torch: Reference | None = None
    keras_none: bool = True
    torch_none: bool = True
    counts_values: bool = True
    keras_gradient: bool = True
    reductions: tuple[str, ...] = field(default=REDUCTIONS)

    def __str__(self) -> str:
        return self.id


def f32(x: Any) -> np.ndarray:
    return np.asarray(x, "float32")


def _parts(y_pred: Pred) -> list[np.ndarray]:
    return list(y_pred) if isinstance(y_pred, tuple) else [y_pred]


def _pack(parts: list[Any], like: Pred) -> Any:
    return tuple(parts) if isinstance(like, tuple) else parts[0]


# ---------------------------------------------------------------- the three implementations


def dualnet_value(spec: Spec, case: Case, reduction: str, weighted: bool) -> np.ndarray:
    loss = spec.make(reduction)
    y_pred = _pack([dn.ops.convert_to_tensor(p) for p in _parts(case.y_pred)], case.y_pred)
    weight = case.weight if weighted else None
    return np.asarray(dn.ops.to_numpy(loss(y_pred, case.y_true, sample_weight=weight)))


def dualnet_gradient(spec: Spec, case: Case) -> list[np.ndarray]:
    loss = spec.make("mean")
    parts = [dn.ops.convert_to_tensor(p) for p in _parts(case.y_pred)]
    _, grads = dn.value_and_grad(
        lambda *xs: loss(_pack(list(xs), case.y_pred), case.y_true), wrt=tuple(range(len(parts)))
    )(*parts)
    grads = grads if isinstance(grads, tuple | list) else [grads]
    return [np.asarray(dn.ops.to_numpy(g)) for g in grads]


@functools.cache
def keras_value(spec: Spec, index: int, reduction: str, weighted: bool) -> np.ndarray:
    assert spec.keras is not None
    case = spec.cases[index]
    loss = spec.keras(_KERAS_REDUCTION[reduction])
    weight = case.weight if weighted else None
    return np.asarray(loss(case.y_true, case.y_pred, sample_weight=weight))


@functools.cache
def keras_gradient(spec: Spec, index: int) -> list[np.ndarray]:
    assert spec.keras is not None
    case = spec.cases[index]
    loss = spec.keras("sum_over_batch_size")
    x = tf.constant(case.y_pred)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = loss(case.y_true, x)
    return [tape.gradient(value, x).numpy()]


def _torch_inputs(case: Case) -> tuple[Any, Any, list[torch.Tensor]]:
    parts = [torch.tensor(p, requires_grad=np.asarray(p).dtype.kind == "f") for p in _parts(case.y_pred)]
    target = None if case.y_true is None else torch.as_tensor(np.asarray(case.y_true))
    return _pack(parts, case.y_pred), target, parts


@functools.cache
def torch_value(spec: Spec, index: int, reduction: str) -> np.ndarray:
    assert spec.torch is not None
    y_pred, y_true, _ = _torch_inputs(spec.cases[index])
    return spec.torch(y_pred, y_true, reduction).detach().numpy()


@functools.cache
def torch_gradient(spec: Spec, index: int) -> list[np.ndarray]:
    assert spec.torch is not None
    y_pred, y_true, parts = _torch_inputs(spec.cases[index])
    spec.torch(y_pred, y_true, "mean").backward()
    return [p.grad.numpy() for p in parts if p.grad is not None]


# ---------------------------------------------------------------- the checks, parametrized over SPECS by conftest


def _close(got: Any, expected: Any, what: str, rtol: float = VALUE_RTOL, atol: float = VALUE_ATOL) -> None:
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape, f"{what}: shape {got.shape}, reference {expected.shape}"
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=what)


def test_values_match_keras(backend: str, spec: Spec) -> None:
    assert spec.keras is not None, f"{spec.id} has no Keras counterpart: the module says so in its SPECS"
    for index, case in enumerate(spec.cases):
        for reduction in spec.reductions:
            if reduction == "none" and not spec.keras_none:
                continue
            for weighted in (False, True) if case.weight is not None else (False,):
                what = f"{spec.id}, {case.label}, reduction={reduction}, weighted={weighted}"
                _close(
                    dualnet_value(spec, case, reduction, weighted), keras_value(spec, index, reduction, weighted), what
                )


def _close_gradient(got: np.ndarray, expected: np.ndarray, what: str) -> None:
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    _close(got, expected, what, GRAD_RTOL, max(GRAD_ATOL, 1e-6 * scale))


def test_gradient_matches_keras(backend: str, spec: Spec) -> None:
    assert spec.keras is not None
    for index, case in enumerate(spec.cases[:2]):
        for got, expected in zip(dualnet_gradient(spec, case), keras_gradient(spec, index), strict=True):
            _close_gradient(got, expected, f"{spec.id}, {case.label}: gradient")


def test_values_match_torch(backend: str, spec: Spec) -> None:
    assert spec.torch is not None
    for index, case in enumerate(spec.cases):
        for reduction in ("mean", "sum", "none") if spec.torch_none else ("mean", "sum"):
            what = f"{spec.id}, {case.label}, reduction={reduction}"
            _close(dualnet_value(spec, case, reduction, False), torch_value(spec, index, reduction), what)


def test_gradient_matches_torch(backend: str, spec: Spec) -> None:
    assert spec.torch is not None
    for index, case in enumerate(spec.cases[:2]):
        for got, expected in zip(dualnet_gradient(spec, case), torch_gradient(spec, index), strict=True):
            _close_gradient(got, expected, f"{spec.id}, {case.label}: gradient")


def test_weights_and_reductions_agree_with_the_unreduced_values(backend: str, spec: Spec) -> None:
    for case in spec.cases:
        values = dualnet_value(spec, case, "none", False).astype("float64")
        what = f"{spec.id}, {case.label}"
        _close(dualnet_value(spec, case, "sum", False), values.sum(), f"{what}: sum", atol=1e-6)
        if spec.counts_values:
            _close(dualnet_value(spec, case, "mean", False), values.mean(), f"{what}: mean")
        if case.weight is None:
            continue
        weight = case.weight.astype("float64").reshape(case.weight.shape + (1,) * (values.ndim - case.weight.ndim))
        weight = np.broadcast_to(weight, values.shape)
        _close(dualnet_value(spec, case, "none", True), values * weight, f"{what}: weighted none")
        if not spec.counts_values:
            continue
        _close(dualnet_value(spec, case, "mean", True), (values * weight).mean(), f"{what}: weighted mean")
        expected = (values * weight).sum() / weight.sum()
        _close(dualnet_value(spec, case, "mean_with_sample_weight", True), expected, f"{what}: mean_with_sample_weight")
