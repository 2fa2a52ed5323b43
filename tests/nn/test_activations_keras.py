"""dn.nn.activations: every keras.activations function, by name and called; Keras 3 values, torch gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn import activations

# Points where an activation has a kink: inputs are kept away from them so gradients are well defined.
_KINKS = np.array([-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0])


def _x() -> np.ndarray:
    x = np.random.default_rng(0).uniform(-7, 7, (4, 6))
    near = np.min(np.abs(x[..., None] - _KINKS), axis=-1) < 0.05
    return np.where(near, x + 0.1, x).astype("float32")


# name -> keyword arguments tried besides the defaults (Keras's own names).
_CALLS: dict[str, list[dict[str, Any]]] = {
    "relu": [{}, {"negative_slope": 0.1}, {"max_value": 6.0}, {"max_value": 2.5, "threshold": 1.0}],
    "leaky_relu": [{}, {"negative_slope": 0.05}],
    "elu": [{}, {"alpha": 0.5}],
    "celu": [{}, {"alpha": 2.0}],
    "gelu": [{}, {"approximate": True}],
    "hard_shrink": [{}, {"threshold": 1.0}],
    "soft_shrink": [{}, {"threshold": 1.0}],
    "squareplus": [{}, {"b": 1.0}],
    "softmax": [{}, {"axis": 0}],
    "log_softmax": [{}, {"axis": 0}],
    "glu": [{}, {"axis": 0}],
    "sparsemax": [{}, {"axis": 0}],
    "threshold": [{"threshold": 0.5, "default_value": -1.0}],
}
_CASES = [(name, kw) for name in activations.__all__ if name not in ("get", "NAMES") for kw in _CALLS.get(name, [{}])]


def test_keras_sparsemax_differs_only_where_it_is_wrong(backend: str) -> None:
    import keras

    x = _x()
    ours = dn.ops.to_numpy(activations.sparsemax(x))
    np.testing.assert_allclose(ours.sum(-1), 1.0, rtol=1e-6)
    single = (ours > 0).sum(-1) == 1  # one entry kept: Keras's formula is right there
    assert single.any() and not single.all()
    np.testing.assert_allclose(ours[single], np.asarray(keras.activations.sparsemax(x))[single], atol=1e-6)


def test_every_keras_activation_is_here() -> None:
    import keras

    theirs = {n for n in dir(keras.activations) if not n.startswith("_") and callable(getattr(keras.activations, n))}
    assert theirs - {"serialize", "deserialize"} == set(activations.__all__) - {"NAMES"}
    assert set(activations.NAMES) == theirs - {"serialize", "deserialize", "get", "threshold"}


@pytest.mark.parametrize(("name", "kwargs"), _CASES, ids=lambda v: str(v) if isinstance(v, dict) else v)
def test_matches_keras(backend: str, name: str, kwargs: dict[str, Any]) -> None:
    import keras

    x = _x()
    ours = dn.ops.to_numpy(getattr(activations, name)(x, **kwargs))
    reference = _sparsemax if name == "sparsemax" else getattr(keras.activations, name)
    np.testing.assert_allclose(ours, np.asarray(reference(x, **kwargs)), rtol=1e-6, atol=1e-6)


def _sparsemax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Martins & Astudillo's sparsemax in NumPy. Keras 3.15's own (every backend) sums the cumulative sums over the
    support where it means the one at its end, so its rows do not sum to 1 once two or more entries are kept."""
    z = np.moveaxis(x.astype("float64"), axis, -1)
    s = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    support = 1 + k * s > np.cumsum(s, axis=-1)
    size = support.sum(-1, keepdims=True)
    tau = (np.take_along_axis(np.cumsum(s, axis=-1), size - 1, -1) - 1) / size
    return np.moveaxis(np.maximum(z - tau, 0), -1, axis).astype("float32")


def _torch_fn(name: str, kwargs: dict[str, Any]) -> Callable[[Any], Any] | None:
    """torch's function of the same math, or None where torch has none."""
    import torch
    from torch.nn import functional as F

    slope = kwargs.get("negative_slope", 0.2)
    alpha = kwargs.get("alpha", 1.0)
    axis = kwargs.get("axis", -1)
    shrink = kwargs.get("threshold", 0.5)
    table: dict[str, Callable[[Any], Any]] = {
        "relu6": F.relu6,
        "leaky_relu": lambda t: F.leaky_relu(t, slope),
        "elu": lambda t: F.elu(t, alpha),
        "celu": lambda t: F.celu(t, alpha),
        "selu": F.selu,
        "gelu": lambda t: F.gelu(t, approximate="tanh" if kwargs.get("approximate") else "none"),
        "silu": F.silu,
        "swish": F.silu,
        "hard_silu": F.hardswish,
        "hard_swish": F.hardswish,
        "mish": F.mish,
        "sigmoid": torch.sigmoid,
        "hard_sigmoid": F.hardsigmoid,
        "log_sigmoid": F.logsigmoid,
        "tanh": torch.tanh,
        "hard_tanh": F.hardtanh,
        "tanh_shrink": F.tanhshrink,
        "hard_shrink": lambda t: F.hardshrink(t, shrink),
        "soft_shrink": lambda t: F.softshrink(t, shrink),
        "softplus": F.softplus,
        "softsign": F.softsign,
        "exponential": torch.exp,
        "softmax": lambda t: F.softmax(t, axis),
        "log_softmax": lambda t: F.log_softmax(t, axis),
        "glu": lambda t: F.glu(t, axis),
    }
    if name == "relu" and not kwargs:
        return F.relu
    if name == "threshold":
        return lambda t: F.threshold(t, kwargs["threshold"], kwargs["default_value"])
    return table.get(name)


_GRAD_CASES = [(n, kw) for n, kw in _CASES if _torch_fn(n, kw) is not None]


@pytest.mark.parametrize(("name", "kwargs"), _GRAD_CASES, ids=lambda v: str(v) if isinstance(v, dict) else v)
def test_gradient_matches_torch(backend: str, name: str, kwargs: dict[str, Any]) -> None:
    import torch

    x = _x()
    fn = getattr(activations, name)
    y = dn.ops.to_numpy(fn(x, **kwargs))
    cot = np.random.default_rng(1).standard_normal(y.shape).astype("float32")
    _, dx = dn.value_and_grad(lambda t: dn.ops.sum(dn.ops.multiply(fn(t, **kwargs), cot)))(dn.ops.convert_to_tensor(x))
    t = torch.tensor(x, requires_grad=True)
    (_torch_fn(name, kwargs)(t) * torch.tensor(cot)).sum().backward()  # type: ignore[misc]
    np.testing.assert_allclose(dn.ops.to_numpy(dx), t.grad.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["hard_shrink", "sparse_plus", "squareplus", "tanh_shrink", "celu", "glu"])
def test_usable_by_name_in_layers_and_saved(backend: str, name: str, tmp_path: Any) -> None:
    import keras

    x = _x()
    dense = dn.nn.Dense(4, activation=name.upper())
    y = dn.ops.to_numpy(dense(x))
    state = dense.state_dict()
    pre = x @ state["kernel"] + state["bias"]
    np.testing.assert_allclose(y, np.asarray(keras.activations.get(name)(pre)), rtol=1e-5, atol=1e-5)
    dn.save(dense, tmp_path / "d.safetensors")
    np.testing.assert_allclose(dn.ops.to_numpy(dn.load(tmp_path / "d.safetensors")(x)), y)


def test_ops_functions_are_still_named_when_saved(backend: str, tmp_path: Any) -> None:
    dense = dn.nn.Dense(2, activation=dn.ops.mish)
    dense(_x())
    dn.save(dense, tmp_path / "d.safetensors")
    assert dn.load(tmp_path / "d.safetensors").activation is activations.mish


def test_threshold_by_name_says_how_to_call_it(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"'threshold' needs its threshold .*lambda x: dn.nn.activations"):
        dn.nn.Dense(2, activation="threshold")


def test_parity_across_backends() -> None:
    dn.testing.module_parity(lambda: dn.nn.Activation("sparsemax"), [_x()])
    dn.testing.module_parity(lambda: dn.nn.Activation("squareplus"), [_x()])
