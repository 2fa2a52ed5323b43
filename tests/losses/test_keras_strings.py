"""Loss names mean what Keras means: each Keras string gives Keras's value on the same inputs, on both backends.

The reference is what ``Model.compile`` builds from the string
(``keras.src.trainers.compile_utils.get_loss``: ``keras.losses.get`` wrapped in
``LossFunctionWrapper`` with Keras's ``sum_over_batch_size`` reduction, plus the
shape-chosen ``"crossentropy"``), run by Keras 3 on TensorFlow.
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from typing import Any

import keras
import numpy as np
import pytest
import torch
from keras.src import losses as keras_losses
from keras.src.trainers import compile_utils

import dualnet as dn
from dualnet.losses import names

RNG = np.random.default_rng(7)
N, C, T = 6, 4, 3
F32 = "float32"


def _f32(x: Any) -> np.ndarray:
    return np.asarray(x, F32)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return _f32(e / e.sum(-1, keepdims=True))


def _probs(*shape: int) -> np.ndarray:
    return _softmax(RNG.standard_normal(shape) * 2)


def _ids(*shape: int) -> np.ndarray:
    return RNG.integers(0, C, shape)


def _weights(*shape: int) -> np.ndarray:
    return _f32(RNG.uniform(0.0, 2.0, shape))


def _binary(*shape: int) -> np.ndarray:
    return _f32(RNG.random(shape) > 0.5)


def _saturated() -> np.ndarray:
    p = _probs(N, C)
    p[0] = [1.0, 0.0, 0.0, 0.0]  # exact 0 and 1 exercise the clipping
    p[1] = [0.0, 0.5, 0.5, 0.0]
    return p


def _unnormalised() -> np.ndarray:
    return _f32(RNG.uniform(0.05, 1.0, (N, C)))  # rows not summing to 1: Keras normalises them


def _one_hot(ids: np.ndarray) -> np.ndarray:
    return _f32(np.eye(C)[ids])


# A case: (description, y_pred, y_true, sample_weight or None)
Case = tuple[str, np.ndarray, np.ndarray, "np.ndarray | None"]

_REGRESSION: list[Case] = [
    ("same shape (N, D)", _f32(RNG.standard_normal((N, 3)) * 2), _f32(RNG.standard_normal((N, 3))), None),
    ("weighted (N, D)", _f32(RNG.standard_normal((N, 3)) * 2), _f32(RNG.standard_normal((N, 3))), _weights(N)),
    ("(N, 1) predictions, (N,) targets", _f32(RNG.standard_normal((N, 1))), _f32(RNG.standard_normal(N)), _weights(N)),
    ("(N,) predictions, (N, 1) targets", _f32(RNG.standard_normal(N)), _f32(RNG.standard_normal((N, 1))), _weights(N)),
    ("rank 3", _f32(RNG.standard_normal((N, T, 2)) * 2), _f32(RNG.standard_normal((N, T, 2))), None),
    (
        "(N, T) predictions, (N, T, 1) targets",
        _f32(RNG.standard_normal((N, T))),
        _f32(RNG.standard_normal((N, T, 1))),
        None,
    ),
]
_DISTRIBUTION: list[Case] = [
    ("probabilities (N, C)", _probs(N, C), _probs(N, C), None),
    ("weighted, zeros in the target", _probs(N, C), _saturated(), _weights(N)),
    ("rank 3", _probs(N, T, C), _probs(N, T, C), None),
]
_BINARY: list[Case] = [
    ("(N, 1) probabilities, (N,) labels", _f32(RNG.random((N, 1))), _binary(N), None),
    ("(N,) probabilities, (N, 1) labels", _f32(RNG.random(N)), _binary(N, 1), _weights(N)),
    ("multi-label (N, D), weighted", _f32(RNG.random((N, 3))), _binary(N, 3), _weights(N)),
    ("soft targets", _f32(RNG.random((N, 3))), _f32(RNG.random((N, 3))), None),
    ("saturated probabilities", _f32([[0.0], [1.0], [0.5], [1e-9], [1.0], [0.0]]), _binary(N, 1), None),
    ("confident and right", _f32([[0.0], [1.0], [0.0], [1.0], [1.0], [0.0]]), _f32([0, 1, 0, 1, 1, 0]), None),
    ("rank 3", _f32(RNG.random((N, T, 2))), _binary(N, T, 2), None),
]
_CATEGORICAL: list[Case] = [
    ("softmax outputs, one-hot", _probs(N, C), _one_hot(_ids(N)), None),
    ("weighted", _probs(N, C), _one_hot(_ids(N)), _weights(N)),
    ("rows not summing to 1", _unnormalised(), _one_hot(_ids(N)), None),
    ("saturated probabilities", _saturated(), _one_hot(np.array([0, 0, 1, 2, 3, 1])), None),
    ("confident and right", _one_hot(np.arange(N) % C), _one_hot(np.arange(N) % C), None),
    ("soft targets", _probs(N, C), _probs(N, C), None),
    ("rank 3 with (N, T) weights", _probs(N, T, C), _one_hot(_ids(N, T)), _weights(N, T)),
]
_SPARSE: list[Case] = [
    ("(N,) integer ids", _probs(N, C), _ids(N), None),
    ("(N, 1) ids, weighted", _probs(N, C), _ids(N, 1), _weights(N)),
    ("float ids", _probs(N, C), _f32(_ids(N)), None),
    ("rows not summing to 1", _unnormalised(), _ids(N), None),
    ("saturated probabilities", _saturated(), np.array([0, 1, 1, 2, 3, 1]), None),
    ("confident and right", _one_hot(np.arange(N) % C), np.arange(N) % C, None),
    ("rank 3 with (N, T) weights", _probs(N, T, C), _ids(N, T), _weights(N, T)),
]

_POSITIVE: list[Case] = [
    ("rates and counts", _f32(RNG.uniform(0.1, 3, (N, 3))), _f32(RNG.poisson(1.5, (N, 3))), _weights(N)),
    ("(N, 1) predictions, (N,) targets", _f32(RNG.uniform(0.1, 3, (N, 1))), _f32(RNG.uniform(0.1, 3, N)), None),
]
_SIGNED: list[Case] = [
    ("labels -1, 1", _f32(RNG.standard_normal((N, 3)) * 1.5), _binary(N, 3) * 2 - 1, _weights(N)),
    ("labels 0, 1", _f32(RNG.standard_normal((N, 3)) * 1.5), _binary(N, 3), None),
    ("(N, 1) scores, (N,) labels", _f32(RNG.standard_normal((N, 1))), _binary(N), _weights(N)),
]
_MASKS: list[Case] = [
    ("(N, H, W, 1) masks", _f32(RNG.random((N, 4, 4, 1))), _binary(N, 4, 4, 1), None),
    ("(N, D) masks", _f32(RNG.random((N, 3))), _binary(N, 3), None),
]
_SEQUENCES: list[Case] = [
    (
        "logits, labels padded with 0",
        _f32(RNG.standard_normal((N, 7, C))),
        RNG.integers(1, C, (N, 3)) * [1, 1, 0],
        None,
    ),
    ("weighted", _f32(RNG.standard_normal((N, 7, C))), RNG.integers(1, C, (N, 3)), _weights(N)),
]
_EMBEDDINGS: list[Case] = [
    (
        "unit embeddings",
        (lambda e: _f32(e / np.linalg.norm(e, axis=-1, keepdims=True)))(RNG.standard_normal((8, 5))),
        np.array([0, 1, 0, 2, 1, 0, 2, 1]),
        _f32(RNG.uniform(0, 2, 8)),
    ),
]

# What each dualnet class, as a Keras name builds it, is checked on.
_CASES_BY_FOLLOWS = {
    "keras.losses.MeanSquaredError": _REGRESSION,
    "keras.losses.MeanAbsoluteError": _REGRESSION,
    "keras.losses.MeanAbsolutePercentageError": _REGRESSION,
    "keras.losses.MeanSquaredLogarithmicError": _REGRESSION + _POSITIVE,
    "keras.losses.Huber": _REGRESSION,
    "keras.losses.LogCosh": _REGRESSION,
    "keras.losses.CosineSimilarity": _REGRESSION[:2] + _REGRESSION[4:5],
    "keras.losses.KLDivergence": _DISTRIBUTION,
    "keras.losses.Poisson": _POSITIVE,
    "keras.losses.Hinge": _SIGNED,
    "keras.losses.SquaredHinge": _SIGNED,
    "keras.losses.CategoricalHinge": _CATEGORICAL,
    "keras.losses.BinaryCrossentropy": _BINARY,
    "keras.losses.BinaryFocalCrossentropy": _BINARY,
    "keras.losses.CategoricalCrossentropy": _CATEGORICAL,
    "keras.losses.CategoricalFocalCrossentropy": _CATEGORICAL,
    "keras.losses.SparseCategoricalCrossentropy": _SPARSE,
    "keras.losses.CTC": _SEQUENCES,
    "keras.losses.Dice": _MASKS,
    "keras.losses.Tversky": _MASKS,
    "keras.losses.Circle": _EMBEDDINGS,
}
_AUTO = _BINARY[:1] + _BINARY[2:3] + _CATEGORICAL[:2] + _SPARSE[:2]

KERAS_NAMES = sorted(name for name, named in names.NAMES.items() if not named.follows.startswith("torch"))
_COMPILE_WORDS = ["crossentropy", "ce", "CE", "CrossEntropy", "Crossentropy"]


def _cases(name: str) -> list[Case]:
    named = names.lookup(name)
    assert named is not None
    return _AUTO if named.cls is dn.losses.probabilistic.AutoCrossEntropy else _CASES_BY_FOLLOWS[named.follows]


def _keras_value(name: str, y_pred: np.ndarray, y_true: np.ndarray, weight: np.ndarray | None) -> float:
    loss = compile_utils.get_loss(name, y_true, y_pred)  # what Model.compile(loss=name) builds
    return float(np.asarray(loss(y_true, y_pred, sample_weight=weight)))


def _dualnet_value(name: str, y_pred: np.ndarray, y_true: np.ndarray, weight: np.ndarray | None) -> float:
    value = dn.losses.get(name)(y_pred, y_true, sample_weight=weight)
    assert dn.ops.shape(value) == ()
    return float(dn.ops.to_numpy(value))


@pytest.mark.parametrize("name", KERAS_NAMES + _COMPILE_WORDS[2:])
def test_each_keras_name_gives_keras_value(backend: str, name: str) -> None:
    for description, y_pred, y_true, weight in _cases(name):
        expected = _keras_value(name, y_pred, y_true, weight)
        got = _dualnet_value(name, y_pred, y_true, weight)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9, err_msg=f"{name!r}: {description}")


def test_the_mnist_convnet_port_gets_minus_log_p(backend: str) -> None:
    """Keras's "simple MNIST convnet": softmax outputs trained on loss="categorical_crossentropy"."""
    probs, one_hot = _f32([[0.7, 0.2, 0.1]]), _f32([[1, 0, 0]])
    loss = dn.losses.get("categorical_crossentropy")
    assert isinstance(loss, dn.losses.CrossEntropy) and loss.from_logits is False
    np.testing.assert_allclose(float(dn.ops.to_numpy(loss(probs, one_hot))), -np.log(0.7), rtol=1e-6)
    # Through the Trainer, as the port does: the reported loss is the mean -log p of the true class.
    dn.seed(0)
    model = dn.nn.Sequential([dn.nn.Dense(C, in_features=5, activation="softmax")])
    x, y = _f32(RNG.standard_normal((16, 5))), _one_hot(_ids(16))
    trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.1), "categorical_crossentropy", ["accuracy"])
    results = trainer.evaluate(x, y, batch_size=16, verbose=0)
    p = dn.ops.to_numpy(trainer.predict(x, batch_size=16, verbose=0))
    np.testing.assert_allclose(results["loss"], -np.log((p * y).sum(-1)).mean(), rtol=1e-5)
    np.testing.assert_allclose(results["accuracy"], (p.argmax(-1) == y.argmax(-1)).mean(), rtol=1e-6)


def test_a_regression_target_of_shape_n_meets_an_output_of_shape_n_1(backend: str) -> None:
    """The load_diabetes port: loss="mse", targets (N,), a Dense(1) head."""
    dn.seed(0)
    model = dn.nn.Dense(1, in_features=3)
    x, y = _f32(RNG.standard_normal((12, 3))), _f32(RNG.standard_normal(12))
    trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.01), loss="mse", metrics=["mae"])
    results = trainer.evaluate(x, y, batch_size=12, verbose=0)
    pred = dn.ops.to_numpy(trainer.predict(x, batch_size=12, verbose=0))
    assert pred.shape == (12, 1)
    np.testing.assert_allclose(results["loss"], _keras_value("mse", pred, y, None), rtol=1e-6)
    np.testing.assert_allclose(results["mae"], np.abs(pred[:, 0] - y).mean(), rtol=1e-6)
    trainer.fit(x, y, epochs=1, batch_size=4, verbose=0)  # and trains on them


@pytest.mark.parametrize(
    ("y_pred_shape", "y_true_shape"),
    [((N, 3), (N,)), ((N, 1), (N, 2)), ((N, 2, 1), (N,)), ((N, 3), (N, 3, 2)), ((N,), (N, 2))],
)
def test_other_shape_mismatches_stay_shape_errors(
    backend: str, y_pred_shape: tuple[int, ...], y_true_shape: Any
) -> None:
    for name in ("mse", "mae", "huber", "binary_crossentropy", "kld", "cosine_similarity"):
        with pytest.raises(dn.ShapeError, match=r"y_pred has shape .* but y_true has shape"):
            dn.losses.get(name)(np.ones(y_pred_shape, F32), np.ones(y_true_shape, F32))


# ---------------------------------------------------------------- PyTorch's names keep PyTorch's meaning

_LOGITS = _f32(RNG.standard_normal((N, C)) * 2)
_LOG_PROBS = _f32(torch.log_softmax(torch.from_numpy(_LOGITS), -1))
_PAIRS = (_f32(RNG.standard_normal((N, 3))), _f32(RNG.standard_normal((N, 3))))
_SIGNS = _binary(N) * 2 - 1
F = torch.nn.functional
_TORCH_CASES: dict[str, list[tuple[Any, Any, Any]]] = {
    "cross_entropy": [(_LOGITS, _ids(N), F.cross_entropy), (_LOGITS, _probs(N, C), F.cross_entropy)],
    "nll_loss": [(_LOG_PROBS, _ids(N), F.nll_loss)],
    "binary_cross_entropy": [
        (_f32(RNG.uniform(0.05, 0.95, (N, 3))), _binary(N, 3), F.binary_cross_entropy),
        (_f32([[0.0, 1.0, 0.5]]), _f32([[1.0, 0.0, 1.0]]), F.binary_cross_entropy),  # PyTorch's clamp of the logs
    ],
    "binary_cross_entropy_with_logits": [(_LOGITS, _binary(N, C), F.binary_cross_entropy_with_logits)],
    "kl_div": [(_LOG_PROBS, _probs(N, C), lambda p, t: _quietly(F.kl_div, p, t))],
    "mse_loss": [(_LOGITS, _probs(N, C), F.mse_loss)],
    "l1_loss": [(_LOGITS, _probs(N, C), F.l1_loss)],
    "huber_loss": [(_LOGITS, _probs(N, C) * 3, F.huber_loss)],
    "smooth_l1_loss": [(_LOGITS, _probs(N, C) * 3, F.smooth_l1_loss)],
    "poisson_nll_loss": [(_LOGITS, _f32(RNG.poisson(2, (N, C))), F.poisson_nll_loss)],
    "gaussian_nll_loss": [((_LOGITS, _probs(N, C)), _LOG_PROBS, lambda x, t: F.gaussian_nll_loss(x[0], t, x[1]))],
    "margin_ranking_loss": [((_PAIRS[0][:, 0], _PAIRS[1][:, 0]), _SIGNS, lambda x, t: F.margin_ranking_loss(*x, t))],
    "triplet_margin_loss": [((*_PAIRS, _LOGITS[:, :3]), None, lambda x, t: F.triplet_margin_loss(*x))],
    "cosine_embedding_loss": [(_PAIRS, _SIGNS, lambda x, t: F.cosine_embedding_loss(*x, t))],
    "hinge_embedding_loss": [(np.abs(_LOGITS), _binary(N, C) * 2 - 1, F.hinge_embedding_loss)],
    "soft_margin_loss": [(_LOGITS, _binary(N, C) * 2 - 1, F.soft_margin_loss)],
    "multi_margin_loss": [(_LOGITS, _ids(N), F.multi_margin_loss)],
    "multilabel_soft_margin_loss": [(_LOGITS, _binary(N, C), F.multilabel_soft_margin_loss)],
}


def _quietly(fn: Any, *args: Any) -> Any:
    with warnings.catch_warnings():  # kl_div's default "mean" warns that it is not the KL divergence: it is meant
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args)


def _torch(x: Any) -> Any:
    if x is None:
        return None
    return tuple(map(torch.from_numpy, x)) if isinstance(x, tuple) else torch.from_numpy(np.asarray(x))


def test_every_pytorch_name_is_checked() -> None:
    assert sorted(_TORCH_CASES) == sorted(n for n, named in names.NAMES.items() if named.follows.startswith("torch"))


@pytest.mark.parametrize("name", sorted(_TORCH_CASES))
def test_pytorch_names_give_pytorch_value(backend: str, name: str) -> None:
    for y_pred, y_true, reference in _TORCH_CASES[name]:
        expected = float(reference(_torch(y_pred), _torch(y_true)))
        np.testing.assert_allclose(_dualnet_value(name, y_pred, y_true, None), expected, rtol=1e-6, atol=1e-7)


def test_the_class_keeps_its_pytorch_default_while_keras_strings_take_probabilities() -> None:
    assert dn.losses.CrossEntropy().from_logits is True
    assert dn.losses.get("cross_entropy").from_logits is True  # type: ignore[attr-defined]
    for name in ("categorical_crossentropy", "CategoricalCrossentropy", "sparse_categorical_crossentropy"):
        assert dn.losses.get(name).from_logits is False  # type: ignore[attr-defined]
    # "CrossEntropy" as a string is Keras compile's "crossentropy" (compile lower-cases it), not the class.
    assert isinstance(dn.losses.get("CrossEntropy"), dn.losses.probabilistic.AutoCrossEntropy)


# ---------------------------------------------------------------- coverage of Keras's identifiers

_KERAS_BASES = {"Loss", "LossFunctionWrapper"}


def test_every_keras_identifier_is_either_implemented_or_reported_as_not_yet() -> None:
    identifiers = set(keras_losses.ALL_OBJECTS_DICT) - _KERAS_BASES
    missing = sorted(i for i in identifiers - names.KERAS_NOT_YET if names.lookup(i) is None)
    assert not missing, f"Keras {keras.__version__} loss identifiers with no entry: {missing}"
    assert identifiers >= names.KERAS_NOT_YET, sorted(names.KERAS_NOT_YET - identifiers)
    keras_entries = {n for n in KERAS_NAMES if n not in names.CASE_FREE}
    assert keras_entries <= identifiers, sorted(keras_entries - identifiers)
    assert not names.KERAS_NOT_YET & set(names.NAMES)


def test_every_keras_3_loss_is_available() -> None:
    assert not names.KERAS_NOT_YET, sorted(names.KERAS_NOT_YET)
    for name in ("hinge", "Poisson", "log_cosh", "mape", "MSLE", "ctc", "Dice", "circle"):
        assert isinstance(dn.losses.get(name), dn.losses.Loss)


def test_a_keras_loss_dualnet_lacks_says_so_and_lists_the_available_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    # A later Keras may add a loss: its name is then listed as not available yet, with this message.
    monkeypatch.setattr(names, "KERAS_NOT_YET", frozenset({"ShinyNewLoss"}))
    with pytest.raises(
        dn.ArgumentError, match=r"loss: Keras's loss 'ShinyNewLoss' is not available in dualnet yet; .*mse"
    ):
        dn.losses.get("ShinyNewLoss")


@pytest.mark.parametrize(
    ("name", "suggested"), [("msee", "mse"), ("categorical_crossentopy", "categorical_crossentropy")]
)
def test_an_unknown_name_gets_the_close_matches(name: str, suggested: str) -> None:
    with pytest.raises(dn.ArgumentError, match=rf"unknown loss '{name}'; did you mean '{suggested}'"):
        dn.losses.get(name)


@pytest.mark.parametrize("name", sorted(names.RETIRED))
def test_the_ambiguous_old_spellings_ask_which_was_meant(name: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"ambiguous .* 'cross_entropy' \(PyTorch: logits\)"):
        dn.losses.get(name)


def test_keras_names_match_case_exactly_except_compiles_words() -> None:
    assert isinstance(dn.losses.get("MSE"), dn.losses.MeanSquaredError)
    with pytest.raises(dn.ArgumentError, match=r"unknown loss 'Mse'; did you mean 'mse'"):
        dn.losses.get("Mse")
    for word in _COMPILE_WORDS:
        assert isinstance(dn.losses.get(word), dn.losses.probabilistic.AutoCrossEntropy)
