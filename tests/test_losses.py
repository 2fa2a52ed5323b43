"""Losses: values against NumPy, reductions and weights, gradients across backends, names, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.losses import (
    BinaryCrossEntropy,
    CosineSimilarity,
    CrossEntropy,
    Huber,
    KLDivergence,
    Loss,
    MeanAbsoluteError,
    MeanSquaredError,
    get,
)
from tests.helpers import assert_matches_numpy

EPS = 1e-7
RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((5, 4)).astype("float32")
LABELS = np.array([0, 3, 1, 2, 3])
TARGET = RNG.standard_normal((5, 4)).astype("float32")
WEIGHTS = np.array([0.5, 1.0, 2.0, 0.0, 1.5], "float32")


def _softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _probs(shape: tuple[int, ...] = (5, 4)) -> np.ndarray:
    return _softmax(np.random.default_rng(1).standard_normal(shape)).astype("float32")


def _ce_ref(logp: np.ndarray, onehot: np.ndarray, smoothing: float = 0.0) -> np.ndarray:
    target = onehot * (1 - smoothing) + smoothing / onehot.shape[-1]
    return -(target * logp).sum(-1)


def _log_softmax(x: np.ndarray) -> np.ndarray:
    return x - x.max(-1, keepdims=True) - np.log(np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True))


def _huber(d: np.ndarray, delta: float) -> np.ndarray:
    return np.where(np.abs(d) <= delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta)).mean(-1)


def _bce(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log1p(-p)).mean(-1)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), EPS)


_BINARY = (RNG.random((5, 4)) > 0.5).astype("float32")
_SIGMOID = (1 / (1 + np.exp(-LOGITS))).astype("float32")
_P, _Q = _probs(), _probs()[::-1].copy()

# name -> (factory, y_pred, y_true, unreduced NumPy reference)
CASES: dict[str, tuple[Callable[..., Loss], np.ndarray, np.ndarray, np.ndarray]] = {
    "mse": (MeanSquaredError, LOGITS, TARGET, ((LOGITS - TARGET) ** 2).mean(-1)),
    "mae": (MeanAbsoluteError, LOGITS, TARGET, np.abs(LOGITS - TARGET).mean(-1)),
    "huber": (lambda **k: Huber(delta=0.7, **k), LOGITS, TARGET, _huber(LOGITS - TARGET, 0.7)),
    "bce_probs": (BinaryCrossEntropy, _SIGMOID, _BINARY, _bce(_SIGMOID, _BINARY)),
    "bce_logits": (
        lambda **k: BinaryCrossEntropy(from_logits=True, **k),
        LOGITS,
        _BINARY,
        _bce(_SIGMOID.astype("float64"), _BINARY),
    ),
    "ce_sparse": (CrossEntropy, LOGITS, LABELS, _ce_ref(_log_softmax(LOGITS), np.eye(4)[LABELS])),
    "ce_dense": (CrossEntropy, LOGITS, _P, _ce_ref(_log_softmax(LOGITS), _P)),
    "ce_probs": (
        lambda **k: CrossEntropy(from_logits=False, **k),
        _P,
        LABELS,
        _ce_ref(np.log(_P / _P.sum(-1, keepdims=True)), np.eye(4)[LABELS]),
    ),
    "kld": (KLDivergence, _P, _Q, (_Q * np.log(_Q / _P)).sum(-1)),
    "cosine": (CosineSimilarity, LOGITS, TARGET, -(_unit(LOGITS) * _unit(TARGET)).sum(-1)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_reduction_and_sample_weights_match_numpy(backend: str, case: str) -> None:
    factory, y_pred, y_true, ref = CASES[case]
    ref = ref.astype("float32")
    assert_matches_numpy(factory(reduction="none")(y_pred, y_true), ref, rtol=1e-5)
    assert_matches_numpy(factory()(y_pred, y_true), np.float32(ref.mean()), rtol=1e-5)
    assert_matches_numpy(factory(reduction="sum")(y_pred, y_true), np.float32(ref.sum()), rtol=1e-5)
    weighted = factory()(y_pred, y_true, sample_weight=WEIGHTS)
    assert_matches_numpy(weighted, np.float32((ref * WEIGHTS).mean()), rtol=1e-5)
    column = factory(reduction="none")(y_pred, y_true, sample_weight=WEIGHTS[:, None])  # (N, 1) weights squeeze
    assert_matches_numpy(column, ref * WEIGHTS, rtol=1e-5)


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_agree_across_backends(case: str) -> None:
    factory, y_pred, y_true, _ = CASES[case]
    dn.testing.function_parity(lambda p, t: factory()(p, t), [y_pred, y_true], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", ["mse", "huber", "bce_logits", "ce_sparse", "ce_dense", "kld", "cosine"])
def test_gradients_match_finite_differences(backend: str, case: str) -> None:
    factory, y_pred, y_true, _ = CASES[case]
    loss = factory()
    x = y_pred.astype("float64")
    target = y_true if y_true.dtype.kind == "i" else y_true.astype("float64")
    _, grad = dn.value_and_grad(lambda p: loss(p, target))(dn.ops.convert_to_tensor(x))
    numeric, h = np.zeros_like(x), 1e-6
    for i in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (float(dn.ops.to_numpy(loss(up, target))) - float(dn.ops.to_numpy(loss(down, target)))) / (2 * h)
    np.testing.assert_allclose(dn.ops.to_numpy(grad), numeric, rtol=1e-5, atol=1e-7)


def test_mse_of_a_single_column_and_of_rank_one(backend: str) -> None:
    assert_matches_numpy(MeanSquaredError(reduction="none")(LOGITS[:, :1], TARGET[:, :1]), (LOGITS - TARGET)[:, 0] ** 2)
    assert_matches_numpy(MeanSquaredError(reduction="none")(LOGITS[:, 0], TARGET[:, 0]), (LOGITS - TARGET)[:, 0] ** 2)


@pytest.mark.parametrize("from_logits", [True, False])
def test_binary_label_smoothing_moves_targets_towards_one_half(backend: str, from_logits: bool) -> None:
    y_pred = LOGITS if from_logits else _SIGMOID
    got = BinaryCrossEntropy(from_logits=from_logits, label_smoothing=0.2)(y_pred, _BINARY)
    assert_matches_numpy(got, np.float32(_bce(_SIGMOID.astype("float64"), _BINARY * 0.8 + 0.1).mean()), rtol=1e-5)


@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("sparse", [True, False])
def test_categorical_label_smoothing_mixes_in_the_uniform_distribution(
    backend: str, from_logits: bool, sparse: bool
) -> None:
    y_pred = LOGITS if from_logits else _softmax(LOGITS).astype("float32")
    y_true = LABELS if sparse else np.eye(4, dtype="float32")[LABELS]
    got = CrossEntropy(from_logits=from_logits, label_smoothing=0.3)(y_pred, y_true)
    expected = _ce_ref(_log_softmax(LOGITS), np.eye(4)[LABELS], 0.3).mean()
    assert_matches_numpy(got, np.float32(expected), rtol=1e-5)


def test_probabilities_are_clipped_like_keras(backend: str) -> None:
    p = np.array([[1.0, 0.0]], "float32")
    assert_matches_numpy(CrossEntropy(from_logits=False)(p, np.array([1])), np.float32(-np.log(np.float32(EPS))))
    y = np.array([[0.0, 1.0]], "float32")
    assert_matches_numpy(BinaryCrossEntropy()(p, y), _bce(p, y)[0], rtol=1e-6)  # the bounds in float32, as Keras


def test_ignore_index_excludes_targets_from_the_mean(backend: str) -> None:
    labels = np.array([0, -100, 1, -100, 3])
    per = _ce_ref(_log_softmax(LOGITS), np.eye(4)[np.where(labels < 0, 0, labels)])
    keep = labels >= 0
    loss = CrossEntropy(ignore_index=-100)
    assert_matches_numpy(loss(LOGITS, labels), np.float32(per[keep].mean()), rtol=1e-5)
    none = CrossEntropy(ignore_index=-100, reduction="none")(LOGITS, labels)
    assert_matches_numpy(none, np.where(keep, per, 0).astype("float32"), rtol=1e-5)
    weighted = loss(LOGITS, labels, sample_weight=WEIGHTS)
    assert_matches_numpy(weighted, np.float32((per * WEIGHTS)[keep].sum() / keep.sum()), rtol=1e-5)
    assert_matches_numpy(loss(LOGITS, np.full(5, -100)), np.float32(0.0))  # all ignored: 0, not nan
    _, grad = dn.value_and_grad(lambda x: loss(x, labels))(dn.ops.convert_to_tensor(LOGITS))
    expected = (_softmax(LOGITS) - np.eye(4)[np.where(keep, labels, 0)]) * keep[:, None] / keep.sum()
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-5, atol=1e-7)


def test_ignore_index_gradients_agree_across_backends() -> None:
    labels = np.array([0, 7, 1, 7, 3])
    fn = lambda x, y: CrossEntropy(ignore_index=7, label_smoothing=0.1)(x, y)  # noqa: E731
    dn.testing.function_parity(fn, [LOGITS, labels])


def test_class_ids_in_any_layout(backend: str) -> None:
    expected = np.float32(_ce_ref(_log_softmax(LOGITS), np.eye(4)[LABELS]).mean())
    for labels in (LABELS[:, None], LABELS.astype("float32"), LABELS.astype("int32")):
        assert_matches_numpy(CrossEntropy()(LOGITS, labels), expected, rtol=1e-5)
    assert_matches_numpy(CrossEntropy()(LOGITS, np.eye(4, dtype="int64")[LABELS]), expected, rtol=1e-5)


def test_class_axis_other_than_last(backend: str) -> None:
    logits = np.random.default_rng(2).standard_normal((2, 4, 3)).astype("float32")  # (N, C, T)
    labels = np.array([[0, 3, 1], [2, 2, 0]])
    per = _ce_ref(_log_softmax(np.moveaxis(logits, 1, -1)), np.eye(4)[labels])
    assert_matches_numpy(CrossEntropy(axis=1, reduction="none")(logits, labels), per.astype("float32"), rtol=1e-5)
    probs = _softmax(logits, 1).astype("float32")
    assert_matches_numpy(CrossEntropy(axis=1, from_logits=False)(probs, labels), np.float32(per.mean()), rtol=1e-5)
    # (N,) weights for (N, T) values weight every position of an example alike.
    got = CrossEntropy(axis=1)(logits, labels, sample_weight=np.array([1.0, 3.0], "float32"))
    assert_matches_numpy(got, np.float32((per * [[1.0], [3.0]]).mean()), rtol=1e-5)


def test_cosine_similarity_axis_and_zero_vector(backend: str) -> None:
    x = np.random.default_rng(3).standard_normal((2, 3, 2)).astype("float32")
    y = np.random.default_rng(4).standard_normal((2, 3, 2)).astype("float32")
    ref = -(_unit(np.moveaxis(x, 1, -1)) * _unit(np.moveaxis(y, 1, -1))).sum(-1)
    assert_matches_numpy(CosineSimilarity(axis=1, reduction="none")(x, y), ref, rtol=1e-5)
    assert_matches_numpy(
        CosineSimilarity(reduction="none")(np.zeros((1, 3), "float32"), y[0, :, :1].T), np.zeros(1, "float32")
    )


def test_label_check_is_skipped_while_tracing(backend: str) -> None:
    loss = CrossEntropy(ignore_index=-1)
    step = dn.function(lambda x, y: loss(x, y))
    assert_matches_numpy(step(LOGITS, LABELS), np.float32(CrossEntropy()(LOGITS, LABELS)), rtol=1e-6)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("mse", MeanSquaredError),
        ("mean_squared_error", MeanSquaredError),
        ("mae", MeanAbsoluteError),
        ("huber", Huber),
        ("binary_cross_entropy", dn.losses.BCELoss),  # PyTorch's names build PyTorch's classes
        ("bce", BinaryCrossEntropy),
        ("cross_entropy", dn.losses.CrossEntropyLoss),
        ("categorical_crossentropy", CrossEntropy),
        ("sparse_categorical_crossentropy", CrossEntropy),
        ("kl_divergence", KLDivergence),
        ("kld", KLDivergence),
        ("cosine_similarity", CosineSimilarity),
        ("MSE", MeanSquaredError),
    ],
)
def test_get_by_name(name: str, cls: type) -> None:
    assert type(get(name)) is cls


def test_get_passes_objects_and_callables_through() -> None:
    loss = Huber(delta=2.0)
    assert get(loss) is loss
    assert type(get(CrossEntropy)) is CrossEntropy

    def fn(y_pred: Any, y_true: Any) -> Any:
        return y_pred

    assert get(fn) is fn
    assert dn.losses.CrossEntropy is CrossEntropy and dn.losses.get is get


def test_get_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(dn.ArgumentError, match=r"unknown loss 'qwerty'; use one of .*bce.*cross_entropy.*mse"):
        get("qwerty")


# ---------------------------------------------------------------- bad inputs


def test_out_of_range_labels_name_the_loss_and_the_range(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"CrossEntropy: class ids must lie in \[0, 4\), got labels in \[0, 4\]"):
        CrossEntropy()(LOGITS, np.array([0, 1, 2, 3, 4]))
    with pytest.raises(dn.ArgumentError, match=r"\(or equal ignore_index=-100\), got labels in \[-2, 3\]"):
        CrossEntropy(ignore_index=-100, from_logits=False)(_P, np.array([0, -100, -2, 3, 1]))


@pytest.mark.parametrize("case", sorted(CASES))
def test_mismatched_shapes_say_both_shapes_and_the_fix(backend: str, case: str) -> None:
    factory, y_pred, y_true, _ = CASES[case]
    with pytest.raises(dn.ShapeError, match=r"y_pred has shape \(5, 4\).*y_true has shape \(5, 3\).*; (they|pass)"):
        factory()(y_pred, np.zeros((5, 3), y_true.dtype))


def test_bad_sample_weight_shape(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"MeanSquaredError: sample_weight has shape \(4,\) but the values"):
        MeanSquaredError()(LOGITS, TARGET, sample_weight=np.ones(4))


def test_ignore_index_with_probability_targets(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="ignore_index applies to integer class ids"):
        CrossEntropy(ignore_index=0)(LOGITS, _P)


def test_class_axis_out_of_range(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"CrossEntropy: axis 2 is out of range for y_pred of rank 2"):
        CrossEntropy(axis=2)(LOGITS, LABELS)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MeanSquaredError(reduction="avg"), r"reduction='avg'\): reduction must be one of 'mean', 'sum'"),
        (lambda: Huber(delta=0), r"Huber\(delta=0\): delta must be a number > 0"),
        (lambda: BinaryCrossEntropy(label_smoothing=1.5), r"label_smoothing must be a number in \[0, 1\]"),
        (lambda: CrossEntropy(ignore_index=1.5), r"ignore_index must be an int or None"),  # type: ignore[arg-type]
        (lambda: CosineSimilarity(axis="last"), r"axis must be an int"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments(make: Callable[[], Loss], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()
