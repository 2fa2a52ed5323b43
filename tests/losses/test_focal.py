"""Focal and generalized cross-entropies against Keras 3 (PyTorch has none in torch.nn)."""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.losses.reference import (
    Case,
    Spec,
    f32,
    test_gradient_matches_keras,
    test_values_match_keras,
    test_weights_and_reductions_agree_with_the_unreduced_values,
)

__all__ = [
    "test_gradient_matches_keras",
    "test_values_match_keras",
    "test_weights_and_reductions_agree_with_the_unreduced_values",
]

RNG = np.random.default_rng(4)
N, C = 6, 4
_LOGITS = f32(RNG.standard_normal((N, C)) * 3)
_CONFIDENT = f32(RNG.standard_normal((N, C)) * 12)  # sigmoid saturates: Keras takes the cross-entropy of the logits
_LABELS = f32(RNG.random((N, C)) > 0.5)
_PROBS = f32(RNG.uniform(0.01, 0.99, (N, C)))
_WEIGHT = f32(RNG.uniform(0, 2, N))
_IDS = np.array([0, 3, 1, 1, 2, 0])
_ONE_HOT = f32(np.eye(C)[_IDS])
_SOFTMAX = f32(np.exp(_LOGITS) / np.exp(_LOGITS).sum(-1, keepdims=True))
_ALPHA = [0.1, 0.4, 0.3, 0.2]

_BINARY = (Case("probabilities", _PROBS, _LABELS, _WEIGHT), Case("(N, 1), (N,)", _PROBS[:, :1], _LABELS[:, 0]))
SPECS = (
    Spec(
        "BinaryFocalCrossEntropy",
        lambda r: dn.losses.BinaryFocalCrossEntropy(reduction=r),
        _BINARY,
        keras=lambda r: keras.losses.BinaryFocalCrossentropy(reduction=r),
    ),
    Spec(
        "BinaryFocalCrossEntropy(balanced, gamma=1.5, label_smoothing)",
        lambda r: dn.losses.BinaryFocalCrossEntropy(True, alpha=0.3, gamma=1.5, label_smoothing=0.1, reduction=r),
        _BINARY,
        keras=lambda r: keras.losses.BinaryFocalCrossentropy(
            apply_class_balancing=True, alpha=0.3, gamma=1.5, label_smoothing=0.1, reduction=r
        ),
    ),
    Spec(
        "BinaryFocalCrossEntropy(from_logits)",
        lambda r: dn.losses.BinaryFocalCrossEntropy(from_logits=True, reduction=r),
        (Case("logits", _LOGITS, _LABELS, _WEIGHT), Case("confident logits", _CONFIDENT, _LABELS)),
        keras=lambda r: keras.losses.BinaryFocalCrossentropy(from_logits=True, reduction=r),
    ),
    Spec(
        "CategoricalFocalCrossEntropy",
        lambda r: dn.losses.CategoricalFocalCrossEntropy(reduction=r),
        (Case("one-hot", _SOFTMAX, _ONE_HOT, _WEIGHT), Case("soft targets", _SOFTMAX, _SOFTMAX[::-1].copy())),
        keras=lambda r: keras.losses.CategoricalFocalCrossentropy(reduction=r),
    ),
    Spec(
        "CategoricalFocalCrossEntropy(alpha per class, from_logits, label_smoothing)",
        lambda r: dn.losses.CategoricalFocalCrossEntropy(_ALPHA, 3.0, True, 0.2, reduction=r),
        (Case("one-hot", _LOGITS, _ONE_HOT, _WEIGHT),),
        keras=lambda r: keras.losses.CategoricalFocalCrossentropy(
            alpha=_ALPHA, gamma=3.0, from_logits=True, label_smoothing=0.2, reduction=r
        ),
    ),
    Spec(
        "CategoricalGeneralizedCrossEntropy",
        lambda r: dn.losses.CategoricalGeneralizedCrossEntropy(q=0.7, reduction=r),
        (Case("(N,) ids", _SOFTMAX, _IDS, _WEIGHT),),
        keras=lambda r: keras.losses.CategoricalGeneralizedCrossEntropy(q=0.7, reduction=r),
    ),
)


def test_categorical_focal_takes_class_ids_as_one_hot_rows(backend: str) -> None:
    loss = dn.losses.CategoricalFocalCrossEntropy(alpha=_ALPHA, reduction="none")
    for ids in (_IDS, _IDS[:, None], f32(_IDS)):
        np.testing.assert_array_equal(dn.ops.to_numpy(loss(_SOFTMAX, ids)), dn.ops.to_numpy(loss(_SOFTMAX, _ONE_HOT)))
    gce = dn.losses.CategoricalGeneralizedCrossEntropy(reduction="none")
    np.testing.assert_allclose(dn.ops.to_numpy(gce(_SOFTMAX, _ONE_HOT)), dn.ops.to_numpy(gce(_SOFTMAX, _IDS)))


def test_gamma_zero_is_the_cross_entropy(backend: str) -> None:
    focal = dn.losses.BinaryFocalCrossEntropy(gamma=0.0)(_PROBS, _LABELS)
    np.testing.assert_allclose(dn.ops.to_numpy(focal), dn.ops.to_numpy(dn.losses.BinaryCrossEntropy()(_PROBS, _LABELS)))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: dn.losses.BinaryFocalCrossEntropy(alpha=1.5), r"alpha=1.5\): alpha must be a number in \[0, 1\]"),
        (lambda: dn.losses.BinaryFocalCrossEntropy(gamma=-1), r"gamma=-1\): gamma must be a number >= 0"),
        (lambda: dn.losses.BinaryFocalCrossEntropy(apply_class_balancing="yes"), r"must be True or False"),
        (lambda: dn.losses.CategoricalFocalCrossEntropy(alpha=[0.2, -0.1]), r"alpha\[1\] must be a number >= 0"),
        (lambda: dn.losses.CategoricalGeneralizedCrossEntropy(q=1.0), r"q=1.0\): q must be a number in \(0, 1\)"),
    ],
)
def test_bad_arguments_name_the_loss_and_the_fix(make: Callable[[], object], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()


def test_alpha_of_the_wrong_length(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"CategoricalFocalCrossEntropy: alpha has 2 entries but y_pred has 4"):
        dn.losses.CategoricalFocalCrossEntropy(alpha=[0.5, 0.5])(_SOFTMAX, _ONE_HOT)
