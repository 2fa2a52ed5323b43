"""Dice and Tversky against Keras 3: over the whole batch (Keras's default) and per image."""

from __future__ import annotations

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

RNG = np.random.default_rng(13)
N, H, W = 4, 5, 5
_MASKS = f32(RNG.random((N, H, W, 1)) > 0.6)
_PROBS = f32(np.clip(_MASKS * 0.7 + RNG.random((N, H, W, 1)) * 0.4, 0, 1))
_WEIGHT = f32(RNG.uniform(0, 2, N))
_BATCH = (Case("(N, H, W, 1) masks", _PROBS, _MASKS), Case("(N, H, W) targets", _PROBS, _MASKS[..., 0]))
_PER_IMAGE = (Case("(N, H, W, 1) masks", _PROBS, _MASKS, _WEIGHT),)

SPECS = (
    Spec("Dice", lambda r: dn.losses.Dice(reduction=r), _BATCH, keras=lambda r: keras.losses.Dice(reduction=r)),
    Spec(
        "Dice(axis=(1, 2, 3))",
        lambda r: dn.losses.Dice(axis=(1, 2, 3), reduction=r),
        _PER_IMAGE,
        keras=lambda r: keras.losses.Dice(axis=(1, 2, 3), reduction=r),
    ),
    Spec(
        "Tversky(alpha=0.7, beta=0.3)",
        lambda r: dn.losses.Tversky(alpha=0.7, beta=0.3, reduction=r),
        _BATCH,
        keras=lambda r: keras.losses.Tversky(alpha=0.7, beta=0.3, reduction=r),
    ),
    Spec(
        "Tversky(axis=(1, 2))",
        lambda r: dn.losses.Tversky(alpha=0.2, beta=0.8, axis=(1, 2), reduction=r),
        _PER_IMAGE,
        keras=lambda r: keras.losses.Tversky(alpha=0.2, beta=0.8, axis=(1, 2), reduction=r),
    ),
)


def test_tversky_at_one_half_is_dice(backend: str) -> None:
    tversky, dice = (
        dn.losses.Tversky(axis=(1, 2, 3), reduction="none"),
        dn.losses.Dice(axis=(1, 2, 3), reduction="none"),
    )
    np.testing.assert_allclose(
        dn.ops.to_numpy(tversky(_PROBS, _MASKS)), dn.ops.to_numpy(dice(_PROBS, _MASKS)), rtol=1e-6
    )


def test_a_batch_value_cannot_be_weighted_per_example(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"Dice: with axis=None the whole batch gives one value.*axis=\(1, 2, 3\)"):
        dn.losses.Dice()(_PROBS, _MASKS, sample_weight=_WEIGHT)


def test_bad_axes(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"Dice\(axis='all'\): axis must be an int"):
        dn.losses.Dice(axis="all")  # type: ignore[arg-type]
    with pytest.raises(dn.ShapeError, match=r"Tversky: axis 4 is out of range for inputs of rank 4"):
        dn.losses.Tversky(axis=(1, 4))(_PROBS, _MASKS)
    with pytest.raises(dn.ArgumentError, match=r"Tversky\(alpha=2\): alpha must be a number in \[0, 1\]"):
        dn.losses.Tversky(alpha=2)
