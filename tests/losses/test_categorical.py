"""Cross-entropy and negative log-likelihood with PyTorch's class weights, ignore_index and smoothing, against torch."""

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
    test_gradient_matches_torch,
    test_values_match_keras,
    test_values_match_torch,
    test_weights_and_reductions_agree_with_the_unreduced_values,
)

__all__ = [
    "test_gradient_matches_torch",
    "test_values_match_keras",
    "test_values_match_torch",
    "test_weights_and_reductions_agree_with_the_unreduced_values",
]

RNG = np.random.default_rng(5)
N, C, T = 6, 4, 3
CLASS_WEIGHT = [0.5, 2.0, 1.0, 0.25]
_LOGITS = f32(RNG.standard_normal((N, C)) * 2)
_IDS = np.array([0, 1, 1, 3, 2, 1])
_WITH_IGNORED = np.array([0, -1, 1, 3, -1, 2])
_PROBS = f32(np.exp(_LOGITS) / np.exp(_LOGITS).sum(-1, keepdims=True))
_LOG_PROBS = f32(np.log(_PROBS))
_WEIGHT = f32(RNG.uniform(0, 2, N))
_SEQUENCE_LOGITS = f32(RNG.standard_normal((N, C, T)))  # PyTorch's layout: classes on axis 1
_SEQUENCE_IDS = RNG.integers(0, C, (N, T))


def _ce(**kwargs: Any) -> Reference:
    return lambda p, t, r: F.cross_entropy(p, t, reduction=r, **kwargs)


def _nll(**kwargs: Any) -> Reference:
    return lambda p, t, r: F.nll_loss(p, t, reduction=r, **kwargs)


_W = torch.tensor(CLASS_WEIGHT)
SPECS = (
    Spec(
        "CrossEntropy(weight) ids",
        lambda r: dn.losses.CrossEntropy(weight=CLASS_WEIGHT, reduction=r),
        (Case("(N,) ids", _LOGITS, _IDS, _WEIGHT),),
        torch=_ce(weight=_W),
        counts_values=False,
    ),
    Spec(
        "CrossEntropy(weight, ignore_index, label_smoothing)",
        lambda r: dn.losses.CrossEntropy(weight=CLASS_WEIGHT, ignore_index=-1, label_smoothing=0.2, reduction=r),
        (Case("ids with ignored", _LOGITS, _WITH_IGNORED, _WEIGHT),),
        torch=_ce(weight=_W, ignore_index=-1, label_smoothing=0.2),
        counts_values=False,
    ),
    Spec(
        "CrossEntropy(weight) probabilities",
        lambda r: dn.losses.CrossEntropy(weight=CLASS_WEIGHT, label_smoothing=0.1, reduction=r),
        (Case("soft targets", _LOGITS, _PROBS[::-1].copy(), _WEIGHT),),
        torch=_ce(weight=_W, label_smoothing=0.1),
    ),
    Spec(
        "CrossEntropy(axis=1)",
        lambda r: dn.losses.CrossEntropy(axis=1, weight=CLASS_WEIGHT, reduction=r),
        (Case("(N, C, T) logits", _SEQUENCE_LOGITS, _SEQUENCE_IDS, _WEIGHT),),
        torch=_ce(weight=_W),
        counts_values=False,
    ),
    # Keras's reference: the sparse cross-entropy of logits, of log-probabilities normalised already.
    Spec(
        "NLL",
        lambda r: dn.losses.NLL(reduction=r),
        (Case("(N,) ids", _LOG_PROBS, _IDS, _WEIGHT), Case("(N, 1) ids", _LOG_PROBS, _IDS[:, None], _WEIGHT)),
        keras=lambda r: keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=r),
        torch=lambda p, t, r: F.nll_loss(p, t.reshape(-1), reduction=r),
        keras_gradient=False,
    ),
    Spec(
        "NLL(weight, ignore_index)",
        lambda r: dn.losses.NLL(weight=CLASS_WEIGHT, ignore_index=-1, reduction=r),
        (Case("ids with ignored", _LOG_PROBS, _WITH_IGNORED, _WEIGHT),),
        torch=_nll(weight=_W, ignore_index=-1),
        counts_values=False,
    ),
    Spec(
        "NLL(axis=1)",
        lambda r: dn.losses.NLL(axis=1, reduction=r),
        (Case("(N, C, T)", f32(torch.log_softmax(torch.from_numpy(_SEQUENCE_LOGITS), 1)), _SEQUENCE_IDS),),
        torch=_nll(),
    ),
)


def test_nll_of_log_softmax_is_the_cross_entropy_of_logits(backend: str) -> None:
    nll = dn.losses.NLL(weight=CLASS_WEIGHT)(dn.ops.log_softmax(_LOGITS), _IDS)
    ce = dn.losses.CrossEntropy(weight=CLASS_WEIGHT)(_LOGITS, _IDS)
    np.testing.assert_allclose(float(dn.ops.to_numpy(nll)), float(dn.ops.to_numpy(ce)), rtol=1e-6)


def test_class_weights_of_zero_everywhere_give_zero_not_nan(backend: str) -> None:
    loss = dn.losses.CrossEntropy(weight=[0.0] * C)
    assert float(dn.ops.to_numpy(loss(_LOGITS, _IDS))) == 0.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: dn.losses.CrossEntropy(weight=[1.0, -1.0]), r"CrossEntropy\(weight\[1\]=-1.0\): weight\[1\] must be"),
        (lambda: dn.losses.NLL(weight="balanced"), r"NLL\(weight='balanced'\): weight must be a non-empty sequence"),
        (lambda: dn.losses.NLL(ignore_index=0.5), r"NLL\(ignore_index=0.5\): ignore_index must be an int or None"),
        (lambda: dn.losses.NLL(reduction="batchmean"), r"NLL\(reduction='batchmean'\): reduction must be one of"),
    ],
)
def test_bad_arguments_name_the_loss_and_the_fix(make: Callable[[], object], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()


def test_bad_targets_name_the_loss_and_the_fix(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"CrossEntropy: weight has 2 entries but y_pred has 4 classes"):
        dn.losses.CrossEntropy(weight=[1.0, 2.0])(_LOGITS, _IDS)
    with pytest.raises(dn.ShapeError, match=r"NLL: y_true has y_pred's shape \(6, 4\).*pass the ids"):
        dn.losses.NLL()(_LOG_PROBS, _PROBS)
    with pytest.raises(dn.ArgumentError, match=r"NLL: class ids must lie in \[0, 4\), got labels in \[0, 7\]"):
        dn.losses.NLL()(_LOG_PROBS, np.array([0, 1, 2, 3, 7, 0]))


def test_soft_targets_that_do_not_sum_to_one_get_the_same_gradient_on_both_backends() -> None:
    targets = f32(RNG.uniform(0, 1, (N, C)))  # e.g. multi-hot rows
    dn.testing.function_parity(lambda x, t: dn.losses.CrossEntropy()(x, t), [_LOGITS, targets], rtol=1e-6, atol=1e-7)
    expected = F.cross_entropy(torch.from_numpy(_LOGITS), torch.from_numpy(targets))
    for backend in ("torch", "tensorflow"):
        dn.set_backend(backend)
        got = dn.ops.to_numpy(dn.ops.mean(dn.ops.softmax_cross_entropy(_LOGITS, targets)))
        np.testing.assert_allclose(float(got), float(expected), rtol=1e-6)
