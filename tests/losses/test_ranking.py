"""Pair, triplet and batch-of-embeddings losses against torch.nn and Keras 3 (Circle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest
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

RNG = np.random.default_rng(12)
N, D = 6, 5
_X1, _X2 = f32(RNG.standard_normal(N)), f32(RNG.standard_normal(N))
_SIGNS = f32(np.array([1, -1, 1, 1, -1, -1]))
_WEIGHT = f32(RNG.uniform(0, 2, N))
_ANCHOR, _POSITIVE, _NEGATIVE = (f32(RNG.standard_normal((N, D))) for _ in range(3))
_EMBEDDINGS = f32(RNG.standard_normal((8, D)))
_UNIT = f32(_EMBEDDINGS / np.linalg.norm(_EMBEDDINGS, axis=-1, keepdims=True))
_GROUPS = np.array([0, 1, 0, 2, 1, 0, 3, 1])  # class 2 and 3 have one member each: no positives, a 0 Keras masks out
_CIRCLE_WEIGHT = f32(RNG.uniform(0, 2, 8))


def _triplet(**kwargs: Any) -> Reference:
    return lambda x, _, r: F.triplet_margin_loss(*x, reduction=r, **kwargs)


_TRIPLETS = (Case("(anchor, positive, negative)", (_ANCHOR, _POSITIVE, _NEGATIVE), None, _WEIGHT),)
SPECS = (
    Spec(
        "MarginRanking",
        lambda r: dn.losses.MarginRanking(margin=0.3, reduction=r),
        (Case("(x1, x2)", (_X1, _X2), _SIGNS, _WEIGHT),),
        torch=lambda x, y, r: F.margin_ranking_loss(*x, y, margin=0.3, reduction=r),
    ),
    Spec("TripletMargin", lambda r: dn.losses.TripletMargin(reduction=r), _TRIPLETS, torch=_triplet()),
    Spec(
        "TripletMargin(p=1, swap)",
        lambda r: dn.losses.TripletMargin(margin=2.0, p=1.0, swap=True, reduction=r),
        _TRIPLETS,
        torch=_triplet(margin=2.0, p=1.0, swap=True),
    ),
    Spec(
        "TripletMargin(p=3)",
        lambda r: dn.losses.TripletMargin(margin=1.5, p=3.0, reduction=r),
        _TRIPLETS,
        torch=_triplet(margin=1.5, p=3.0),
    ),
    Spec(
        "CosineEmbedding",
        lambda r: dn.losses.CosineEmbedding(margin=0.2, reduction=r),
        (Case("(x1, x2)", (_ANCHOR, _POSITIVE), _SIGNS, _WEIGHT),),
        torch=lambda x, y, r: F.cosine_embedding_loss(*x, y, margin=0.2, reduction=r),
    ),
    Spec(
        "Circle",
        lambda r: dn.losses.Circle(reduction=r),
        (Case("unit embeddings", _UNIT, _GROUPS, _CIRCLE_WEIGHT),),
        keras=lambda r: keras.losses.Circle(reduction=r),
        counts_values=False,  # the mean counts the non-zero values, as Keras's mask does
    ),
    Spec(
        "Circle(gamma, margin, diagonal kept)",
        lambda r: dn.losses.Circle(gamma=16.0, margin=0.25, remove_diagonal=False, reduction=r),
        (Case("unit embeddings", _UNIT, _GROUPS, _CIRCLE_WEIGHT),),
        keras=lambda r: keras.losses.Circle(gamma=16.0, margin=0.25, remove_diagonal=False, reduction=r),
        counts_values=False,
    ),
)


def test_inputs_stacked_on_axis_1_are_the_tuple(backend: str) -> None:
    triplet = dn.losses.TripletMargin(reduction="none")
    stacked = triplet(np.stack([_ANCHOR, _POSITIVE, _NEGATIVE], 1))
    np.testing.assert_array_equal(dn.ops.to_numpy(stacked), dn.ops.to_numpy(triplet((_ANCHOR, _POSITIVE, _NEGATIVE))))
    ranking = dn.losses.MarginRanking(reduction="none")
    np.testing.assert_array_equal(
        dn.ops.to_numpy(ranking(np.stack([_X1, _X2], 1), _SIGNS)), dn.ops.to_numpy(ranking((_X1, _X2), _SIGNS))
    )


def test_circle_without_positives_is_zero_and_left_out_of_the_mean(backend: str) -> None:
    values = dn.ops.to_numpy(dn.losses.Circle(reduction="none")(_UNIT, _GROUPS))
    assert values[3] == 0.0 and values[6] == 0.0 and (values[[0, 1, 2, 4, 5, 7]] > 0).all()
    mean = float(dn.ops.to_numpy(dn.losses.Circle()(_UNIT, _GROUPS)))
    np.testing.assert_allclose(mean, values.sum() / 6, rtol=1e-6)
    _, grad = dn.value_and_grad(lambda x: dn.losses.Circle()(x, _GROUPS))(dn.ops.convert_to_tensor(_UNIT))
    assert np.isfinite(dn.ops.to_numpy(grad)).all()


def test_pair_and_triplet_inputs_that_do_not_fit(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"TripletMargin: y_pred must hold 3 tensors, anchor, positive, negative"):
        dn.losses.TripletMargin()((_ANCHOR, _POSITIVE))
    with pytest.raises(dn.ShapeError, match=r"MarginRanking: y_pred has shape \(6,\); pass \(x1, x2\) as a tuple"):
        dn.losses.MarginRanking()(_X1, _SIGNS)
    with pytest.raises(dn.ShapeError, match=r"CosineEmbedding: the tensors of y_pred \(x1, x2\) have shapes"):
        dn.losses.CosineEmbedding()((_ANCHOR, _POSITIVE[:, :2]), _SIGNS)
    with pytest.raises(dn.ShapeError, match=r"CosineEmbedding: y_true has shape \(5,\) but x1 and x2 have shape"):
        dn.losses.CosineEmbedding()((_ANCHOR, _POSITIVE), _SIGNS[:5])
    with pytest.raises(dn.ShapeError, match=r"Circle: expected embeddings y_pred of shape \(N, D\)"):
        dn.losses.Circle()(_UNIT[None], _GROUPS)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: dn.losses.MarginRanking(margin=-0.1), r"MarginRanking\(margin=-0.1\): margin must be a number >= 0"),
        (lambda: dn.losses.TripletMargin(p=0), r"TripletMargin\(p=0\): p must be a number > 0"),
        (lambda: dn.losses.CosineEmbedding(margin=2), r"margin must be a number in \[-1, 1\]"),
        (lambda: dn.losses.Circle(gamma=0), r"Circle\(gamma=0\): gamma must be a number > 0"),
        (lambda: dn.losses.TripletMargin(swap=1), r"swap must be True or False"),
    ],
)
def test_bad_arguments_name_the_loss_and_the_fix(make: Callable[[], object], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()
