"""Regression losses against Keras 3 and torch.nn: values for every reduction and weighting, gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import dualnet as dn
from tests.losses.reference import (
    Case,
    Reference,
    Spec,
    f32,
    test_gradient_matches_keras,
    test_gradient_matches_torch,
    test_values_match_keras,
    test_values_match_torch,
    test_weights_and_reductions_agree_with_the_unreduced_values,
)

__all__ = [
    "test_gradient_matches_keras",
    "test_gradient_matches_torch",
    "test_values_match_keras",
    "test_values_match_torch",
    "test_weights_and_reductions_agree_with_the_unreduced_values",
]

RNG = np.random.default_rng(11)
N, D = 6, 3
_PRED, _TRUE = f32(RNG.standard_normal((N, D)) * 2), f32(RNG.standard_normal((N, D)))
_WEIGHT = f32(RNG.uniform(0, 2, N))
_POSITIVE_PRED, _POSITIVE_TRUE = f32(RNG.uniform(0.1, 3, (N, D))), f32(RNG.uniform(0.1, 3, (N, D)))
_GENERAL = (
    Case("(N, D)", _PRED, _TRUE, _WEIGHT),
    Case("(N, 1) predictions, (N,) targets", _PRED[:, :1], _TRUE[:, 0], _WEIGHT),
)
_SIGNED = (
    Case("(N, D)", _PRED, _TRUE, _WEIGHT),
    Case("near and far", f32(_TRUE + RNG.standard_normal((N, D)) * [[0.01], [0.1], [1], [10], [60], [100]]), _TRUE),
)


def _mean_per_example(values: torch.Tensor, reduction: str) -> torch.Tensor:
    """torch's elementwise values as dualnet's unreduced ones (one per example), or reduced as torch reduces."""
    if reduction == "none":
        return values.mean(-1) if values.ndim > 1 else values
    return values.mean() if reduction == "mean" else values.sum()


def _sum_as_torch(fn: Callable[..., torch.Tensor], **kwargs: Any) -> Reference:
    # torch's "sum" of elementwise values is the sum over every element; dualnet's of one value per example.
    def reference(p: torch.Tensor, t: torch.Tensor, reduction: str) -> torch.Tensor:
        values = fn(p, t.to(p.dtype).reshape(p.shape), reduction="none", **kwargs)  # Keras's rank matching
        per_example = values.mean(-1) if values.ndim > 1 else values
        return {"none": per_example, "mean": per_example.mean(), "sum": per_example.sum()}[reduction]

    return reference


SPECS = (
    Spec(
        "MeanSquaredError",
        lambda r: dn.losses.MeanSquaredError(reduction=r),
        _GENERAL,
        keras=lambda r: keras.losses.MeanSquaredError(reduction=r),
        torch=_sum_as_torch(F.mse_loss),
    ),
    Spec(
        "MeanAbsoluteError",
        lambda r: dn.losses.MeanAbsoluteError(reduction=r),
        _GENERAL,
        keras=lambda r: keras.losses.MeanAbsoluteError(reduction=r),
        torch=_sum_as_torch(F.l1_loss),
    ),
    Spec(
        "Huber",
        lambda r: dn.losses.Huber(delta=0.7, reduction=r),
        _SIGNED,
        keras=lambda r: keras.losses.Huber(delta=0.7, reduction=r),
        torch=_sum_as_torch(F.huber_loss, delta=0.7),
    ),
    # Keras has no smooth L1: it is Keras's Huber(delta=beta) divided by beta.
    Spec(
        "SmoothL1",
        lambda r: dn.losses.SmoothL1(beta=0.5, reduction=r),
        _SIGNED,
        keras=lambda r: _Scaled(keras.losses.Huber(delta=0.5, reduction=r), 1 / 0.5),
        torch=_sum_as_torch(F.smooth_l1_loss, beta=0.5),
    ),
    Spec(
        "MeanAbsolutePercentageError",
        lambda r: dn.losses.MeanAbsolutePercentageError(reduction=r),
        (*_GENERAL, Case("zero targets", _PRED, f32(np.where(_TRUE > 0.5, 0.0, _TRUE)))),
        keras=lambda r: keras.losses.MeanAbsolutePercentageError(reduction=r),
    ),
    Spec(
        "MeanSquaredLogarithmicError",
        lambda r: dn.losses.MeanSquaredLogarithmicError(reduction=r),
        (Case("positive", _POSITIVE_PRED, _POSITIVE_TRUE, _WEIGHT), Case("with negatives", _PRED, _TRUE)),
        keras=lambda r: keras.losses.MeanSquaredLogarithmicError(reduction=r),
    ),
    Spec(
        "LogCosh",
        lambda r: dn.losses.LogCosh(reduction=r),
        _SIGNED,
        keras=lambda r: keras.losses.LogCosh(reduction=r),
    ),
    Spec(
        "CosineSimilarity",
        lambda r: dn.losses.CosineSimilarity(reduction=r),
        (Case("(N, D)", _PRED, _TRUE, _WEIGHT),),
        keras=lambda r: keras.losses.CosineSimilarity(reduction=r),
        torch=lambda p, t, r: _mean_per_example(-F.cosine_similarity(p, t, dim=-1, eps=1e-7), r),
    ),
)


class _Scaled:
    """A Keras loss times a constant: the Keras reference of a loss Keras has only up to a factor."""

    def __init__(self, loss: keras.losses.Loss, factor: float) -> None:
        self.loss, self.factor = loss, factor

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        return self.loss(y_true, y_pred, sample_weight=sample_weight) * self.factor


def test_smooth_l1_at_beta_0_is_the_absolute_error(backend: str) -> None:
    got = dn.ops.to_numpy(dn.losses.SmoothL1(beta=0.0, reduction="none")(_PRED, _TRUE))
    np.testing.assert_allclose(got, np.abs(_PRED - _TRUE).mean(-1), rtol=1e-6)
    expected = F.smooth_l1_loss(torch.from_numpy(_PRED), torch.from_numpy(_TRUE), beta=0.0)
    np.testing.assert_allclose(float(dn.ops.to_numpy(dn.losses.SmoothL1(beta=0.0)(_PRED, _TRUE))), float(expected))


def test_log_cosh_does_not_overflow_where_cosh_does(backend: str) -> None:
    far = f32([[200.0, -300.0]])
    got = dn.ops.to_numpy(dn.losses.LogCosh(reduction="none")(far, np.zeros_like(far)))
    np.testing.assert_allclose(got, [(200 + 300) / 2 - np.log(2)], rtol=1e-6)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: dn.losses.SmoothL1(beta=-1.0),
            r"SmoothL1\(beta=-1.0\): beta must be a number >= 0; pass e.g. beta=1.0",
        ),
        (lambda: dn.losses.Huber(delta=-2), r"Huber\(delta=-2\): delta must be a number > 0"),
        (lambda: dn.losses.LogCosh(reduction="avg"), r"LogCosh\(reduction='avg'\): reduction must be one of"),
        (lambda: dn.losses.SmoothL1(beta=float("nan")), r"beta must be a number >= 0"),
    ],
)
def test_bad_arguments_name_the_loss_and_the_fix(make: Callable[[], object], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()


def test_mismatched_shapes_name_the_loss(backend: str) -> None:
    for loss in (dn.losses.SmoothL1(), dn.losses.MeanAbsolutePercentageError(), dn.losses.LogCosh()):
        with pytest.raises(dn.ShapeError, match=rf"{type(loss).__name__}: y_pred has shape \(6, 3\) but y_true"):
            loss(_PRED, _TRUE[:, :2])
