"""Poisson and Gaussian negative log-likelihoods against Keras 3 and torch.nn."""

from __future__ import annotations

from collections.abc import Callable

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

RNG = np.random.default_rng(8)
N, D = 6, 3
_RATES = f32(RNG.uniform(0.1, 4, (N, D)))
_COUNTS = f32(RNG.poisson(2.0, (N, D)))
_LOG_RATES = f32(RNG.standard_normal((N, D)))
_WEIGHT = f32(RNG.uniform(0, 2, N))
_MEAN, _TARGET = f32(RNG.standard_normal((N, D))), f32(RNG.standard_normal((N, D)))
_VAR = f32(RNG.uniform(0.2, 2, (N, D)))
_TINY_VAR = f32(np.where(_VAR > 1, 1e-8, _VAR))  # below eps: clamped, gradient passed through as in PyTorch


def _per_example(values: torch.Tensor, reduction: str) -> torch.Tensor:
    per = values.mean(-1) if values.ndim > 1 else values
    return {"none": per, "mean": per.mean(), "sum": per.sum()}[reduction]


def _gaussian(full: bool = False) -> Reference:
    def reference(pred: tuple[torch.Tensor, torch.Tensor], target: torch.Tensor, reduction: str) -> torch.Tensor:
        mean, var = pred
        return _per_example(F.gaussian_nll_loss(mean, target, var, full=full, reduction="none"), reduction)

    return reference


SPECS = (
    Spec(
        "Poisson",
        lambda r: dn.losses.Poisson(reduction=r),
        (Case("rates", _RATES, _COUNTS, _WEIGHT), Case("(N, 1) rates, (N,) counts", _RATES[:, :1], _COUNTS[:, 0])),
        keras=lambda r: keras.losses.Poisson(reduction=r),
        torch=lambda p, t, r: _per_example(
            F.poisson_nll_loss(p, t.reshape(p.shape), log_input=False, eps=1e-7, reduction="none"), r
        ),
    ),
    Spec(
        "Poisson(log_input, full)",
        lambda r: dn.losses.Poisson(log_input=True, full=True, reduction=r),
        (Case("log rates", _LOG_RATES, _COUNTS, _WEIGHT),),
        torch=lambda p, t, r: _per_example(F.poisson_nll_loss(p, t, log_input=True, full=True, reduction="none"), r),
    ),
    Spec(
        "GaussianNLL",
        lambda r: dn.losses.GaussianNLL(reduction=r),
        (
            Case("(mean, var)", (_MEAN, _VAR), _TARGET, _WEIGHT),
            Case("variances below eps", (_MEAN, _TINY_VAR), _TARGET),
            Case("one variance per example", (_MEAN, _VAR[:, :1]), _TARGET, _WEIGHT),
        ),
        torch=_gaussian(),
    ),
    Spec(
        "GaussianNLL(full)",
        lambda r: dn.losses.GaussianNLL(full=True, reduction=r),
        (Case("(mean, var)", (_MEAN, _VAR), _TARGET, _WEIGHT),),
        torch=_gaussian(full=True),
    ),
)


def test_gaussian_nll_takes_one_tensor_holding_means_then_variances(backend: str) -> None:
    loss = dn.losses.GaussianNLL(reduction="none")
    together = loss(np.concatenate([_MEAN, _VAR], -1), _TARGET)
    np.testing.assert_allclose(dn.ops.to_numpy(together), dn.ops.to_numpy(loss((_MEAN, _VAR), _TARGET)), rtol=1e-6)
    single = loss(np.stack([_MEAN[:, 0], _VAR[:, 0]], -1), _TARGET[:, 0])  # (N, 2) head for (N,) targets
    np.testing.assert_allclose(
        dn.ops.to_numpy(single), dn.ops.to_numpy(loss((_MEAN[:, :1], _VAR[:, :1]), _TARGET[:, :1]))
    )


def test_gaussian_nll_refuses_what_does_not_fit(backend: str) -> None:
    loss = dn.losses.GaussianNLL()
    with pytest.raises(dn.ShapeError, match=r"GaussianNLL: y_pred has shape \(6, 3\) for targets of shape \(6, 3\)"):
        loss(_MEAN, _TARGET)
    with pytest.raises(dn.ShapeError, match=r"GaussianNLL: y_pred must be the pair \(mean, var\), got 3 tensors"):
        loss((_MEAN, _VAR, _VAR), _TARGET)
    with pytest.raises(dn.ShapeError, match=r"var has shape \(6, 2\) but the mean has shape \(6, 3\)"):
        loss((_MEAN, _VAR[:, :2]), _TARGET)
    with pytest.raises(dn.ArgumentError, match=r"GaussianNLL: var holds a negative variance \(-1\)"):
        loss((_MEAN, -np.ones_like(_VAR)), _TARGET)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: dn.losses.GaussianNLL(eps=0), r"GaussianNLL\(eps=0\): eps must be a number > 0; pass e.g. eps=1e-6"),
        (lambda: dn.losses.Poisson(log_input=1), r"Poisson\(log_input=1\): log_input must be True or False"),
        (lambda: dn.losses.Poisson(epsilon=-1e-7), r"epsilon must be a number > 0"),
    ],
)
def test_bad_arguments_name_the_loss_and_the_fix(make: Callable[[], object], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()
