"""Regularizer and constraint values against Keras 3's (on TensorFlow) and a NumPy formula, on the same weights."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn

W = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
K = np.random.default_rng(1).standard_normal((3, 3, 2, 4)).astype("float32")  # a Conv2D kernel


def _np(x: Any) -> np.ndarray:
    return np.asarray(dn.ops.to_numpy(x))


def _orthogonal(w: np.ndarray, factor: float, mode: str) -> float:
    unit = w / np.linalg.norm(w, axis=1 if mode == "rows" else 0, keepdims=True)
    gram = unit @ unit.T if mode == "rows" else unit.T @ unit
    n = gram.shape[0]
    return float(factor * 0.5 * np.abs(gram - np.diag(np.diag(gram))).sum() / (n * (n - 1) / 2))


REGULARIZERS = {
    "l1": (lambda: dn.regularizers.L1(0.03), "L1", {"l1": 0.03}, lambda w: 0.03 * np.abs(w).sum()),
    "l2": (lambda: dn.regularizers.L2(0.02), "L2", {"l2": 0.02}, lambda w: 0.02 * np.square(w).sum()),
    "l1l2": (
        lambda: dn.regularizers.L1L2(0.01, 0.2),
        "L1L2",
        {"l1": 0.01, "l2": 0.2},
        lambda w: 0.01 * np.abs(w).sum() + 0.2 * np.square(w).sum(),
    ),
    "orthogonal_rows": (
        lambda: dn.regularizers.OrthogonalRegularizer(0.3),
        "OrthogonalRegularizer",
        {"factor": 0.3},
        lambda w: _orthogonal(w, 0.3, "rows"),
    ),
    "orthogonal_columns": (
        lambda: dn.regularizers.OrthogonalRegularizer(0.3, mode="columns"),
        "OrthogonalRegularizer",
        {"factor": 0.3, "mode": "columns"},
        lambda w: _orthogonal(w, 0.3, "columns"),
    ),
}


@pytest.mark.parametrize("name", list(REGULARIZERS))
def test_regularizer_matches_keras_and_numpy(backend: str, name: str) -> None:
    import keras

    make, keras_name, kwargs, formula = REGULARIZERS[name]
    ours = float(_np(make()(dn.ops.convert_to_tensor(W))))
    # a tensor, not NumPy: Keras's NumPy path of normalize mishandles axis=0 (columns mode)
    theirs = float(np.asarray(getattr(keras.regularizers, keras_name)(**kwargs)(keras.ops.convert_to_tensor(W))))
    assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-6)
    assert ours == pytest.approx(formula(W.astype(np.float64)), rel=1e-5)


def test_names_and_defaults_are_keras_s() -> None:
    import keras

    for name in ("l1", "l2", "l1l2", "L1L2", "orthogonal_regularizer"):
        ours, theirs = dn.regularizers.get(name), keras.regularizers.get(name)
        assert type(ours).__name__ == type(theirs).__name__
        mine, keras_config = ours.get_config(), theirs.get_config()
        assert mine.keys() == keras_config.keys()
        for key, value in mine.items():  # Keras keeps OrthogonalRegularizer's factor as float32
            assert value == keras_config[key] if isinstance(value, str) else value == pytest.approx(keras_config[key])
    for name in ("max_norm", "MinMaxNorm", "non_neg", "unit_norm"):
        assert type(dn.constraints.get(name)).__name__ == type(keras.constraints.get(name)).__name__
        assert dn.constraints.get(name).get_config() == keras.constraints.get(name).get_config()


def test_config_round_trip_and_keras_dicts() -> None:
    import keras

    for obj in (dn.regularizers.L1L2(0.1, 0.2), dn.regularizers.OrthogonalRegularizer(0.5, "columns")):
        assert dn.regularizers.deserialize(dn.regularizers.serialize(obj)) == obj
    for con in (dn.constraints.MinMaxNorm(0.5, 2.0, 0.5, [0, 1]), dn.constraints.NonNeg()):
        assert dn.constraints.deserialize(dn.constraints.serialize(con)) == con
    # Keras's own serialized form (with "module" and "registered_name") is read too
    assert dn.regularizers.get(keras.regularizers.serialize(keras.regularizers.L2(0.3))) == dn.regularizers.L2(0.3)
    assert dn.constraints.get(keras.constraints.serialize(keras.constraints.MaxNorm(3.0))) == dn.constraints.MaxNorm(3)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: dn.regularizers.L2(-1.0), "L2(l2=-1.0): l2 must be a number >= 0"),
        (lambda: dn.regularizers.L1(float("nan")), "l1 must be a"),
        (lambda: dn.regularizers.OrthogonalRegularizer(mode="diag"), "mode must be one of 'rows', 'columns'"),
        (lambda: dn.nn.Dense(2, kernel_regularizer="l3"), "Dense(kernel_regularizer='l3'): unknown regularizer name"),
        (lambda: dn.nn.Dense(2, bias_constraint="nonneg"), "did you mean 'non_neg'?"),
        (lambda: dn.nn.Conv2D(2, 3, activity_regularizer=3), "Conv2D(activity_regularizer=3)"),
        (lambda: dn.regularizers.get({"class_name": "os.system"}), "unknown regularizer class_name 'os.system'"),
        (lambda: dn.regularizers.get({"class_name": "L2", "config": {"l3": 1}}), "does not fit L2's arguments"),
        (lambda: dn.constraints.MinMaxNorm(2.0, 1.0), "max_value must be a number >= 2"),
        (lambda: dn.constraints.MaxNorm(axis="rows"), "axis must be an int or a list of ints"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_fix(call: Any, words: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"pass e\.g\.|the classes are|write it as") as info:
        call()
    assert words in str(info.value)


def test_orthogonal_regularizer_refuses_a_conv_kernel(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="rank-2"):
        dn.regularizers.OrthogonalRegularizer()(dn.ops.convert_to_tensor(K))


CONSTRAINTS = {
    "max_norm": (lambda: dn.constraints.MaxNorm(1.5), lambda k: k.constraints.MaxNorm(1.5), W),
    "max_norm_conv": (
        lambda: dn.constraints.MaxNorm(2.0, axis=[0, 1, 2]),
        lambda k: k.constraints.MaxNorm(2.0, axis=[0, 1, 2]),
        K,
    ),
    "min_max_norm": (
        lambda: dn.constraints.MinMaxNorm(1.2, 1.6, rate=0.5, axis=1),
        lambda k: k.constraints.MinMaxNorm(1.2, 1.6, rate=0.5, axis=1),
        W,
    ),
    "non_neg": (lambda: dn.constraints.NonNeg(), lambda k: k.constraints.NonNeg(), W),
    "unit_norm": (lambda: dn.constraints.UnitNorm(), lambda k: k.constraints.UnitNorm(), K),
}


@pytest.mark.parametrize("name", list(CONSTRAINTS))
def test_constraint_matches_keras(backend: str, name: str) -> None:
    import keras

    ours, theirs, w = CONSTRAINTS[name]
    expected = np.asarray(theirs(keras)(w))
    np.testing.assert_allclose(_np(ours()(dn.ops.convert_to_tensor(w))), expected, rtol=1e-5, atol=1e-6)
