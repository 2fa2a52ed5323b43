"""Binary cross-entropy (with PyTorch's pos_weight) and KL divergence against Keras 3 and torch.nn."""

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

RNG = np.random.default_rng(3)
N, C = 6, 4
_LOGITS = f32(RNG.standard_normal((N, C)) * 3)
_LABELS = f32(RNG.random((N, C)) > 0.5)
_SOFT = f32(RNG.random((N, C)))
_PROBS = f32(RNG.uniform(0.02, 0.98, (N, C)))
_WEIGHT = f32(RNG.uniform(0, 2, N))
_POS_WEIGHT = [3.0, 0.5, 1.0, 2.0]
_P, _Q = (f32(np.exp(x) / np.exp(x).sum(-1, keepdims=True)) for x in (RNG.standard_normal((2, N, C))))


def _per_example(values: torch.Tensor, reduction: str) -> torch.Tensor:
    per = values.mean(-1)
    return {"none": per, "mean": per.mean(), "sum": per.sum()}[reduction]


SPECS = (
    Spec(
        "BinaryCrossEntropy",
        lambda r: dn.losses.BinaryCrossEntropy(reduction=r),
        (Case("probabilities", _PROBS, _LABELS, _WEIGHT), Case("soft targets", _PROBS, _SOFT)),
        keras=lambda r: keras.losses.BinaryCrossentropy(reduction=r),
        torch=lambda p, t, r: _per_example(F.binary_cross_entropy(p, t, reduction="none"), r),
    ),
    Spec(
        "BinaryCrossEntropy(from_logits, label_smoothing)",
        lambda r: dn.losses.BinaryCrossEntropy(from_logits=True, label_smoothing=0.2, reduction=r),
        (Case("logits", _LOGITS, _LABELS, _WEIGHT),),
        keras=lambda r: keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2, reduction=r),
        torch=lambda p, t, r: _per_example(F.binary_cross_entropy_with_logits(p, t * 0.8 + 0.1, reduction="none"), r),
    ),
    Spec(
        "BinaryCrossEntropy(from_logits, pos_weight per class)",
        lambda r: dn.losses.BinaryCrossEntropy(from_logits=True, pos_weight=_POS_WEIGHT, reduction=r),
        (Case("logits", _LOGITS, _LABELS, _WEIGHT), Case("soft targets", _LOGITS, _SOFT)),
        torch=lambda p, t, r: _per_example(
            F.binary_cross_entropy_with_logits(p, t, pos_weight=torch.tensor(_POS_WEIGHT), reduction="none"), r
        ),
    ),
    Spec(
        "BinaryCrossEntropy(from_logits, pos_weight=2.5)",
        lambda r: dn.losses.BinaryCrossEntropy(from_logits=True, pos_weight=2.5, reduction=r),
        (Case("logits", _LOGITS, _LABELS, _WEIGHT),),
        torch=lambda p, t, r: _per_example(
            F.binary_cross_entropy_with_logits(p, t, pos_weight=torch.tensor(2.5), reduction="none"), r
        ),
    ),
    Spec(
        "KLDivergence",
        lambda r: dn.losses.KLDivergence(reduction=r),
        (Case("distributions", _P, _Q, _WEIGHT),),
        keras=lambda r: keras.losses.KLDivergence(reduction=r),
        torch=lambda p, t, r: {"none": lambda v: v, "mean": torch.mean, "sum": torch.sum}[r](
            F.kl_div(p.log(), t, reduction="none").sum(-1)
        ),
    ),
)


def test_pos_weight_on_probabilities_weights_the_positive_term(backend: str) -> None:
    p = np.clip(_PROBS, 1e-7, 1 - 1e-7).astype("float64")
    expected = -(np.array(_POS_WEIGHT) * _LABELS * np.log(p) + (1 - _LABELS) * np.log(1 - p)).mean(-1)
    got = dn.losses.BinaryCrossEntropy(pos_weight=_POS_WEIGHT, reduction="none")(_PROBS, _LABELS)
    np.testing.assert_allclose(dn.ops.to_numpy(got), expected, rtol=1e-6)


def test_pos_weight_of_one_is_the_plain_loss(backend: str) -> None:
    plain = dn.ops.to_numpy(dn.losses.BinaryCrossEntropy(from_logits=True)(_LOGITS, _LABELS))
    weighted = dn.ops.to_numpy(dn.losses.BinaryCrossEntropy(from_logits=True, pos_weight=1.0)(_LOGITS, _LABELS))
    np.testing.assert_allclose(weighted, plain, rtol=1e-6)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: dn.losses.BinaryCrossEntropy(pos_weight=-1.0),
            r"BinaryCrossEntropy\(pos_weight=-1.0\): pos_weight must be a number >= 0; pass e.g. pos_weight=3.0",
        ),
        (lambda: dn.losses.BinaryCrossEntropy(pos_weight=[1.0, float("inf")]), r"pos_weight\[1\] must be a finite"),
        (lambda: dn.losses.BinaryCrossEntropy(pos_weight="auto"), r"pos_weight must be a number >= 0 or a sequence"),
    ],
)
def test_bad_pos_weight(make: Callable[[], object], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()


def test_pos_weight_of_the_wrong_length(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"pos_weight has 2 entries but y_pred's last axis has size 4"):
        dn.losses.BinaryCrossEntropy(pos_weight=[1.0, 2.0])(_PROBS, _LABELS)
