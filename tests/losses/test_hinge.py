"""Hinge and margin losses against Keras 3 (its hinges) and torch.nn (its margin losses)."""

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

RNG = np.random.default_rng(9)
N, C = 6, 4
_SCORES = f32(RNG.standard_normal((N, C)) * 1.5 + 0.013)  # the offset keeps scores off the hinges' kinks
_BITS = f32(RNG.random((N, C)) > 0.5)
_SIGNS = f32(_BITS * 2 - 1)
_WEIGHT = f32(RNG.uniform(0, 2, N))
_IDS = np.array([1, 0, 3, 3, 2, 1])
_ONE_HOT = f32(np.eye(C)[_IDS])
_DISTANCES = f32(RNG.uniform(0, 2, (N, C)) + 0.011)
_CLASS_WEIGHT = [1.0, 0.5, 2.0, 1.5]

_LABELS = (
    Case("labels -1, 1", _SCORES, _SIGNS, _WEIGHT),
    Case("labels 0, 1 (mapped to -1, 1)", _SCORES, _BITS, _WEIGHT),
    Case("(N, 1) scores, (N,) labels", _SCORES[:, :1], _SIGNS[:, 0]),
)


def _per_example(values: torch.Tensor, reduction: str) -> torch.Tensor:
    per = values.mean(-1) if values.ndim > 1 else values
    return {"none": per, "mean": per.mean(), "sum": per.sum()}[reduction]


SPECS = (
    Spec("Hinge", lambda r: dn.losses.Hinge(reduction=r), _LABELS, keras=lambda r: keras.losses.Hinge(reduction=r)),
    Spec(
        "SquaredHinge",
        lambda r: dn.losses.SquaredHinge(reduction=r),
        _LABELS,
        keras=lambda r: keras.losses.SquaredHinge(reduction=r),
    ),
    Spec(
        "CategoricalHinge",
        lambda r: dn.losses.CategoricalHinge(reduction=r),
        (Case("one-hot", _SCORES, _ONE_HOT, _WEIGHT), Case("large scores", _SCORES * 4, _ONE_HOT)),
        keras=lambda r: keras.losses.CategoricalHinge(reduction=r),
    ),
    Spec(
        "MultiMargin",
        lambda r: dn.losses.MultiMargin(reduction=r),
        (Case("(N,) ids", _SCORES, _IDS, _WEIGHT),),
        torch=lambda p, t, r: F.multi_margin_loss(p, t, reduction=r),
    ),
    Spec(
        "MultiMargin(p=2, margin=0.5, weight)",
        lambda r: dn.losses.MultiMargin(p=2, margin=0.5, weight=_CLASS_WEIGHT, reduction=r),
        (Case("(N,) ids", _SCORES, _IDS, _WEIGHT),),
        torch=lambda p, t, r: F.multi_margin_loss(
            p, t, p=2, margin=0.5, weight=torch.tensor(_CLASS_WEIGHT), reduction=r
        ),
    ),
    Spec(
        "SoftMargin",
        lambda r: dn.losses.SoftMargin(reduction=r),
        (Case("labels -1, 1", _SCORES, _SIGNS, _WEIGHT),),
        torch=lambda p, t, r: _per_example(F.soft_margin_loss(p, t, reduction="none"), r),
    ),
    Spec(
        "HingeEmbedding",
        lambda r: dn.losses.HingeEmbedding(margin=1.5, reduction=r),
        (Case("distances", _DISTANCES, _SIGNS, _WEIGHT),),
        torch=lambda p, t, r: _per_example(F.hinge_embedding_loss(p, t, margin=1.5, reduction="none"), r),
    ),
    # Keras's reference: the binary cross-entropy of logits, averaged over the classes.
    Spec(
        "MultiLabelSoftMargin",
        lambda r: dn.losses.MultiLabelSoftMargin(reduction=r),
        (Case("0/1 targets", _SCORES, _BITS, _WEIGHT),),
        keras=lambda r: keras.losses.BinaryCrossentropy(from_logits=True, reduction=r),
        torch=lambda p, t, r: F.multilabel_soft_margin_loss(p, t, reduction=r),
    ),
    Spec(
        "MultiLabelSoftMargin(weight)",
        lambda r: dn.losses.MultiLabelSoftMargin(weight=_CLASS_WEIGHT, reduction=r),
        (Case("0/1 targets", _SCORES, _BITS, _WEIGHT),),
        torch=lambda p, t, r: F.multilabel_soft_margin_loss(p, t, weight=torch.tensor(_CLASS_WEIGHT), reduction=r),
    ),
)


def test_categorical_hinge_takes_class_ids_as_one_hot_rows(backend: str) -> None:
    loss = dn.losses.CategoricalHinge(reduction="none")
    np.testing.assert_array_equal(dn.ops.to_numpy(loss(_SCORES, _IDS)), dn.ops.to_numpy(loss(_SCORES, _ONE_HOT)))


def test_labels_other_than_0_and_1_are_kept_as_keras_keeps_them(backend: str) -> None:
    labels = f32(np.where(_BITS > 0, 1.0, 0.5))  # not all binary: no mapping
    got = dn.ops.to_numpy(dn.losses.Hinge(reduction="none")(_SCORES, labels))
    np.testing.assert_allclose(got, np.maximum(1 - labels * _SCORES, 0).mean(-1), rtol=1e-6)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: dn.losses.MultiMargin(p=3), r"MultiMargin\(p=3\): p must be 1 or 2"),
        (lambda: dn.losses.MultiMargin(margin=-1.0), r"MultiMargin\(margin=-1.0\): margin must be a number >= 0"),
        (lambda: dn.losses.HingeEmbedding(margin=-0.5), r"HingeEmbedding\(margin=-0.5\): margin must be a number >= 0"),
        (lambda: dn.losses.MultiLabelSoftMargin(weight=[]), r"weight must be a non-empty sequence of numbers >= 0"),
    ],
)
def test_bad_arguments_name_the_loss_and_the_fix(make: Callable[[], object], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()


def test_bad_targets(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"MultiMargin: y_pred has shape \(6, 4\) \(classes last\) but y_true"):
        dn.losses.MultiMargin()(_SCORES, _ONE_HOT)
    with pytest.raises(dn.ShapeError, match=r"CategoricalHinge: y_pred has shape \(6, 4\).*one-hot rows"):
        dn.losses.CategoricalHinge()(_SCORES, _ONE_HOT[:, :2])
    with pytest.raises(dn.ShapeError, match=r"MultiMargin: weight has 2 entries for 4 classes"):
        dn.losses.MultiMargin(weight=[1.0, 2.0])(_SCORES, _IDS)
