"""Every bool, int and float argument of every registered layer, generated from the registry and the signatures.

A string where a bool belongs is refused by name (``Dense(use_bias='no')``
would otherwise turn the bias on); a NumPy bool, int or float is taken like the
Python value (the layer is the same: equal ``repr``); NaN and infinities are
refused for every float argument a layer has (rates, epsilons, momentum: none
has a meaning for them). A layer added to the registry later is covered without
editing this file.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.io import registry


def _params(klass: type) -> list[inspect.Parameter]:
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p for p in list(inspect.signature(klass.__init__).parameters.values())[1:] if p.kind in kinds]


def _kind(param: inspect.Parameter) -> str | None:
    """``"bool"``, ``"int"`` or ``"float"`` for a scalar argument (by annotation), else None."""
    note = str(param.annotation)
    for kind in ("bool", "float", "int"):
        if note.split(" | ")[0] == kind or note == f"{kind} | None":
            return kind
    return None


def _valid(klass: type, param: inspect.Parameter) -> Any:
    """A valid Python value for ``param``: its default, or a small one where it has none (or None)."""
    if param.default is not inspect.Parameter.empty and param.default is not None:
        return param.default
    kind = _kind(param)
    if kind in ("int", "float") and param.default is inspect.Parameter.empty:
        return 2 if kind == "int" else 0.5
    if kind in ("int", "float"):  # an optional size left None: one the constructor takes
        return _first_taken(klass, param, (2, 1, 0) if kind == "int" else (0.5, 0.1))
    note = str(param.annotation)
    if "Module" in note:
        return [dn.nn.Dense(2)] if "Iterable" in note else dn.nn.Dense(2)
    if param.name == "equation":  # EinsumDense's: a string with a grammar of its own
        return "...b,bc->...c"
    return "relu"


def _first_taken(klass: type, param: inspect.Parameter, candidates: tuple[Any, ...]) -> Any:
    """The first of ``candidates`` the constructor takes for ``param`` (``output_padding`` must be below the stride)."""
    for value in candidates:
        try:
            klass(**{**_required(klass), param.name: value})
        except dn.ArgumentError:
            continue
        return value
    return candidates[0]


def _required(klass: type) -> dict[str, Any]:
    return {p.name: _valid(klass, p) for p in _params(klass) if p.default is inspect.Parameter.empty}


def _numpy(value: Any) -> Any:
    if isinstance(value, bool):
        return np.bool_(value)
    if isinstance(value, int):
        return np.int64(value)
    # float32 where it holds the value exactly (0.5), float64 otherwise (0.99), so the layers must be equal.
    return np.float32(value) if float(np.float32(value)) == value else np.float64(value)


def _cases(kind: str) -> list[Any]:
    found = []
    for name in registry.registered():
        klass = registry.lookup(name)
        if not klass.__module__.startswith("dualnet."):
            continue  # registered by another test module collected first: not the library's, and not in every worker
        for param in _params(klass):
            if _kind(param) == kind:
                found.append(pytest.param(klass, param, id=f"{name}.{param.name}"))
    return found


BOOLS, INTS, FLOATS = _cases("bool"), _cases("int"), _cases("float")


def test_the_generated_cases_cover_the_scalar_arguments_of_the_layers() -> None:
    # A guard on the generator itself: the arguments the issue names are among them.
    ids = {p.id for p in BOOLS + INTS + FLOATS}
    for expected in ("Dense.use_bias", "LSTM.return_sequences", "Conv2D.groups", "Dropout.rate", "BatchNorm.momentum"):
        assert expected in ids, expected
    assert len(BOOLS) >= 15 and len(INTS) >= 15 and len(FLOATS) >= 8


@pytest.mark.parametrize(("klass", "param"), BOOLS)
def test_a_bool_argument_takes_only_bools(backend: str, klass: type, param: inspect.Parameter) -> None:
    for bad in ("no", "False", 1, 0.0, None):
        if bad is None and "None" in str(param.annotation):
            continue  # None means "default" for an optional flag
        with pytest.raises(dn.ArgumentError, match=rf"{klass.__name__}\({param.name}={bad!r}\).*True or False"):
            klass(**{**_required(klass), param.name: bad})


@pytest.mark.parametrize(("klass", "param"), BOOLS)
def test_a_numpy_bool_is_a_bool(backend: str, klass: type, param: inspect.Parameter) -> None:
    value = not _valid(klass, param)
    base = _required(klass)
    assert repr(klass(**{**base, param.name: np.bool_(value)})) == repr(klass(**{**base, param.name: value}))


@pytest.mark.parametrize(("klass", "param"), INTS + FLOATS)
def test_a_numpy_number_is_taken_like_the_python_number(backend: str, klass: type, param: inspect.Parameter) -> None:
    value = _valid(klass, param)
    base = _required(klass)
    layer = klass(**{**base, param.name: _numpy(value)})
    assert repr(layer) == repr(klass(**{**base, param.name: value}))
    config = layer.get_config()
    assert type(dn.io.model._encode(config[param.name], {}, "", param.name)) in (int, float, dict, list)


@pytest.mark.parametrize(("klass", "param"), FLOATS)
def test_a_float_argument_refuses_non_finite_values(backend: str, klass: type, param: inspect.Parameter) -> None:
    for bad in (math.nan, math.inf, -math.inf, np.float32("nan"), np.float64("inf")):
        with pytest.raises(dn.ArgumentError, match=rf"{klass.__name__}\({param.name}="):
            klass(**{**_required(klass), param.name: bad})


@pytest.mark.parametrize(("klass", "param"), INTS)
def test_an_int_argument_refuses_strings_floats_and_bools(backend: str, klass: type, param: inspect.Parameter) -> None:
    for bad in ("2", 2.0, np.float32(2.0), True, np.bool_(True)):
        with pytest.raises(dn.ArgumentError, match=rf"{klass.__name__}\({param.name}="):
            klass(**{**_required(klass), param.name: bad})
