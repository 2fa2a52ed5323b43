"""dn.losses' torch.nn names against the torch.nn classes: PyTorch's defaults, reductions and unreduced shapes."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

import dualnet as dn
from tests.losses.reference import (
    Case,
    Reference,
    Spec,
    f32,
    test_gradient_matches_torch,
    test_values_match_torch,
    test_weights_and_reductions_agree_with_the_unreduced_values,
)

__all__ = [
    "test_gradient_matches_torch",
    "test_values_match_torch",
    "test_weights_and_reductions_agree_with_the_unreduced_values",
]

RNG = np.random.default_rng(15)
N, C = 6, 4
_X, _Y = f32(RNG.standard_normal((N, C)) * 2), f32(RNG.standard_normal((N, C)))
_PROBS = f32(RNG.uniform(0.02, 0.98, (N, C)))
_BITS = f32(RNG.random((N, C)) > 0.5)
_SIGNS = f32(_BITS * 2 - 1)
_IDS = np.array([0, 2, 1, 3, 3, 1])
_IGNORED = np.array([0, -100, 1, 3, -100, 1])
_WEIGHT = f32(RNG.uniform(0, 2, N))
_LOG_P = f32(np.log(_PROBS / _PROBS.sum(-1, keepdims=True)))
_P = f32(np.exp(_LOG_P[::-1]))
_VAR = f32(RNG.uniform(0.2, 2, (N, C)))
_CLASS_WEIGHT = [1.0, 0.5, 2.0, 1.5]


# How torch.nn's forward takes what dualnet's y_pred (a tensor or a tuple) and y_true carry.
_CALLS = {
    "pair": lambda module, x, y: module(*x, y),
    "triplet": lambda module, x, y: module(*x),
    "gaussian": lambda module, x, y: module(x[0], y, x[1]),  # torch: (input, target, var)
    "plain": lambda module, x, y: module(x, y),
}


def _torch(cls: type[nn.Module], call: str, **kwargs: Any) -> Reference:
    def reference(x: Any, y: Any, reduction: str) -> torch.Tensor:
        module = cls(reduction=reduction, **kwargs)
        with warnings.catch_warnings():  # KLDivLoss's "mean" warns that it is not the KL divergence
            warnings.simplefilter("ignore", UserWarning)
            return _CALLS[call](module, x, y)

    return reference


def _spec(name: str, case: Case, counts_values: bool = True, call: str = "plain", **kwargs: Any) -> Spec:
    torch_kwargs = {k: torch.tensor(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return Spec(
        name,
        lambda r: getattr(dn.losses, name)(reduction=r, **kwargs),
        (case,),
        torch=_torch(getattr(nn, name), call, **torch_kwargs),
        counts_values=counts_values,
    )


SPECS = (
    _spec("L1Loss", Case("(N, C)", _X, _Y, _WEIGHT)),
    _spec("MSELoss", Case("(N, C)", _X, _Y, _WEIGHT)),
    _spec("HuberLoss", Case("(N, C)", _X, _Y, _WEIGHT), delta=0.5),
    _spec("SmoothL1Loss", Case("(N, C)", _X, _Y, _WEIGHT), beta=0.5),
    _spec("BCELoss", Case("probabilities", _PROBS, _BITS, _WEIGHT)),
    _spec("BCEWithLogitsLoss", Case("logits", _X, _BITS, _WEIGHT), pos_weight=[2.0, 1.0, 0.5, 3.0]),
    _spec("CrossEntropyLoss", Case("ids", _X, _IDS, _WEIGHT), label_smoothing=0.1),
    _spec("CrossEntropyLoss", Case("ids, -100 ignored", _X, _IGNORED, _WEIGHT), False, weight=_CLASS_WEIGHT),
    _spec("CrossEntropyLoss", Case("probabilities", _X, _P, _WEIGHT)),
    _spec("NLLLoss", Case("ids, -100 ignored", _LOG_P, _IGNORED, _WEIGHT), False, weight=_CLASS_WEIGHT),
    _spec("KLDivLoss", Case("log-probabilities", _LOG_P, _P, _WEIGHT)),
    _spec("KLDivLoss", Case("log targets", _LOG_P, f32(np.log(_P)), _WEIGHT), log_target=True),
    _spec("PoissonNLLLoss", Case("log rates", _X, f32(RNG.poisson(2, (N, C))), _WEIGHT), full=True),
    _spec("GaussianNLLLoss", Case("(mean, var)", (_X, _VAR), _Y, _WEIGHT), call="gaussian"),
    _spec("MarginRankingLoss", Case("(x1, x2)", (_X[:, 0], _Y[:, 0]), _SIGNS[:, 0], _WEIGHT), call="pair", margin=0.2),
    _spec("TripletMarginLoss", Case("triplets", (_X, _Y, _PROBS), None, _WEIGHT), call="triplet", swap=True),
    _spec("CosineEmbeddingLoss", Case("(x1, x2)", (_X, _Y), _SIGNS[:, 0], _WEIGHT), call="pair", margin=0.1),
    _spec("MultiLabelSoftMarginLoss", Case("0/1", _X, _BITS, _WEIGHT), weight=_CLASS_WEIGHT),
    _spec("HingeEmbeddingLoss", Case("distances", np.abs(_X), _SIGNS, _WEIGHT), margin=2.0),
    _spec("SoftMarginLoss", Case("scores", _X, _SIGNS, _WEIGHT)),
    _spec("MultiMarginLoss", Case("ids", _X, _IDS, _WEIGHT), p=2, weight=_CLASS_WEIGHT),
)


def test_every_torch_name_is_checked() -> None:
    assert sorted({s.id for s in SPECS}) == sorted(dn.losses.pytorch_names.__all__)


def test_kl_div_loss_batchmean_is_the_kl_divergence(backend: str) -> None:
    batchmean = dn.losses.KLDivLoss(reduction="batchmean")(_LOG_P, _P)
    expected = nn.KLDivLoss(reduction="batchmean")(torch.from_numpy(_LOG_P), torch.from_numpy(_P))
    np.testing.assert_allclose(float(dn.ops.to_numpy(batchmean)), float(expected), rtol=1e-6)
    keras_meaning = dn.losses.KLDivergence()(np.exp(_LOG_P), _P)  # the same divergence, from probabilities
    np.testing.assert_allclose(float(dn.ops.to_numpy(batchmean)), float(dn.ops.to_numpy(keras_meaning)), rtol=1e-5)
    weighted = dn.losses.KLDivLoss(reduction="batchmean")(_LOG_P, _P, sample_weight=_WEIGHT)
    per = (_P * (np.log(_P) - _LOG_P)).sum(-1)
    np.testing.assert_allclose(float(dn.ops.to_numpy(weighted)), (per * _WEIGHT).mean(), rtol=1e-6)


def test_bce_loss_clamps_logs_at_minus_100_as_pytorch_does(backend: str) -> None:
    p, y = f32([[0.0, 1.0, 0.5]]), f32([[1.0, 0.0, 1.0]])
    got = dn.ops.to_numpy(dn.losses.BCELoss(reduction="none")(p, y))
    np.testing.assert_allclose(got, nn.BCELoss(reduction="none")(torch.from_numpy(p), torch.from_numpy(y)).numpy())
    assert got[0, 0] == 100.0


def test_unreduced_values_keep_pytorchs_shape(backend: str) -> None:
    assert dn.ops.shape(dn.losses.MSELoss(reduction="none")(_X, _Y)) == (N, C)
    assert dn.ops.shape(dn.losses.MeanSquaredError(reduction="none")(_X, _Y)) == (N,)
    ce = dn.losses.CrossEntropyLoss()
    assert ce.from_logits is True and ce.ignore_index == -100
    assert isinstance(ce, dn.losses.CrossEntropy) and isinstance(dn.losses.L1Loss(), dn.losses.MeanAbsoluteError)


def test_pytorch_names_take_keywords_only() -> None:
    with pytest.raises(TypeError):
        dn.losses.MSELoss("sum")  # type: ignore[misc]
    with pytest.raises(dn.ArgumentError, match=r"KLDivLoss\(reduction='batch'\): reduction must be one of 'batchmean'"):
        dn.losses.KLDivLoss(reduction="batch")
