"""Misuse of Module, state dicts, gradients and compilation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, cases, check, mlp, tensor


class _NoSuper(dn.nn.Module):
    def __init__(self) -> None:
        self.fc = dn.nn.Dense(2)


class _NoForward(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = dn.nn.Dense(2)


class _NegativeWeight(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.add_weight("w", (-1, 2))


def _load_without(key: str) -> None:
    model = mlp()
    state = model.state_dict()
    del state[key]
    model.load_state_dict(state)


def _load_reshaped() -> None:
    model = mlp()
    state = model.state_dict()
    state["0.kernel"] = np.zeros((5, 4), "float32")
    model.load_state_dict(state)


def _sum_of_outputs(model: dn.nn.Module, x: Any) -> Any:
    return dn.ops.sum(model(x))


CASES = cases(
    Case(
        "attribute before super().__init__",
        _NoSuper,
        dn.StateError,
        ("'fc' set before Module.__init__", "call super().__init__() first"),
    ),
    Case("forward missing", lambda: _NoForward()(X), dn.StateError, ("_NoForward", "define forward(self, ...)")),
    Case("negative weight size", _NegativeWeight, dn.ShapeError, ("add_weight('w')", "(-1, 2)", "sizes must be >= 0")),
    Case(
        "unknown initializer",
        lambda: dn.nn.Dense(3, kernel_initializer="xavier_weird")(X),
        dn.ArgumentError,
        ("Dense.kernel", "'xavier_weird'", "or a callable"),
    ),
    Case(
        "state dict missing key",
        lambda: _load_without("0.kernel"),
        dn.StateDictError,
        ("missing keys '0.kernel'", "strict=False"),
    ),
    Case(
        "state dict wrong shape", _load_reshaped, dn.StateDictError, ("key '0.kernel'", "(5, 4)", "check layer sizes")
    ),
    Case(
        "value_and_grad of a non-scalar",
        lambda: dn.value_and_grad(lambda m, x: m(x))(mlp(), X),
        dn.ShapeError,
        ("value_and_grad", "(4, 2)", "dn.ops.mean(...)"),
    ),
    Case(
        "value_and_grad of a non-function",
        lambda: dn.value_and_grad(3),
        dn.ArgumentError,
        ("value_and_grad(fn=3)", "must be a function"),
    ),  # type: ignore[arg-type]
    Case(
        "grad of a non-function",
        lambda: dn.grad("loss"),
        dn.ArgumentError,
        ("value_and_grad(fn='loss')", "lambda model, x, y"),
    ),  # type: ignore[arg-type]
    Case(
        "function of a non-function", lambda: dn.function(3), dn.ArgumentError, ("function(fn=3)", "must be a function")
    ),
    Case(
        "has_aux without a pair",
        lambda: dn.value_and_grad(_sum_of_outputs, has_aux=True)(mlp(), X),
        dn.ArgumentError,
        ("has_aux=True", "(loss, aux)", "drop has_aux"),
    ),
    Case(
        "wrt past the arguments",
        lambda: dn.value_and_grad(dn.ops.sum, wrt=5)(tensor(X)),
        dn.ArgumentError,
        ("wrt position 5", "positionally"),
    ),
    Case(
        "wrt not a position",
        lambda: dn.value_and_grad(dn.ops.sum, wrt="x")(tensor(X)),
        dn.ArgumentError,
        ("wrt='x'", "wrt=(0, 1)"),
    ),  # type: ignore[arg-type]
    Case(
        "register a non-module",
        lambda: dn.register_module(int),
        dn.ArgumentError,
        ("register_module", "dn.nn.Module subclasses"),
    ),  # type: ignore[arg-type]
)


@pytest.mark.parametrize("case", CASES)
def test_module_misuse(backend: str, case: Case) -> None:
    check(case)
