"""The argument checker (``dualnet.arguments``): what each check takes, what it returns, what it says."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import arguments as A

# -- predicates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -3, 2**40, np.int8(1), np.int64(7), np.uint16(3)])
def test_python_and_numpy_integers_are_integers(value: object) -> None:
    assert A.is_integer(value) and A.is_number(value) and not A.is_bool(value)


@pytest.mark.parametrize("value", [True, False, np.True_, np.bool_(False)])
def test_bools_are_bools_not_integers_nor_numbers(value: object) -> None:
    assert A.is_bool(value) and not A.is_integer(value) and not A.is_number(value)


@pytest.mark.parametrize("value", [1.5, np.float32(0.1), np.float64(2.0), math.inf, math.nan])
def test_floats_are_numbers_not_integers(value: object) -> None:
    assert A.is_number(value) and not A.is_integer(value)


@pytest.mark.parametrize("value", ["3", None, [1], np.array([1]), 1 + 2j])
def test_other_objects_are_neither(value: object) -> None:
    assert not A.is_integer(value) and not A.is_number(value) and not A.is_bool(value)


# -- check_bool --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False), (np.True_, True), (np.False_, False)])
def test_check_bool_returns_python_bools(value: object, expected: bool) -> None:
    result = A.check_bool("Dense", "use_bias", value)
    assert result is expected


@pytest.mark.parametrize("value", ["no", "False", 0, 1, 1.0, None, [], np.array(True)])
def test_check_bool_refuses_truthy_objects(value: object) -> None:
    with pytest.raises(dn.ArgumentError) as caught:
        A.check_bool("Dense", "use_bias", value)
    assert str(caught.value) == (
        f"Dense(use_bias={value!r}): use_bias must be True or False; pass use_bias=True or use_bias=False"
    )


def test_check_bool_or_none() -> None:
    assert A.check_bool("Adam", "foreach", None, or_none=True) is None
    with pytest.raises(dn.ArgumentError, match=r"foreach must be None, True or False"):
        A.check_bool("Adam", "foreach", "yes", or_none=True)


# -- check_int ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, np.int32(3), np.int64(3), np.uint8(3)])
def test_check_int_takes_numpy_integers_and_returns_python_ints(value: object) -> None:
    result = A.check_int("Dense", "units", value, low=1, example="Dense(64)")
    assert result == 3 and type(result) is int


@pytest.mark.parametrize("value", [True, np.True_, 3.0, np.float32(3), "3", None, (3,)])
def test_check_int_refuses_bools_floats_and_strings(value: object) -> None:
    with pytest.raises(dn.ArgumentError, match=r"^Dense\(units=.*\): units must be a positive int; pass e\.g\. Dense"):
        A.check_int("Dense", "units", value, low=1, example="Dense(64)")


@pytest.mark.parametrize(
    ("low", "high", "bad", "what"),
    [
        (1, None, 0, "a positive int"),
        (0, None, -1, "an int >= 0"),
        (2, None, 1, "an int >= 2"),
        (None, 5, 6, "an int <= 5"),
        (13, 23, 24, "an int in [13, 23]"),
        (0, 1, 2, "an int in [0, 1]"),
        (None, None, 1.5, "an int"),
    ],
)
def test_check_int_bounds_are_inclusive_and_named(low: int | None, high: int | None, bad: object, what: str) -> None:
    for good in (low, high):
        if good is not None:
            assert A.check_int("f", "n", good, low=low, high=high, example="n=1") == good
    with pytest.raises(dn.ArgumentError) as caught:
        A.check_int("f", "n", bad, low=low, high=high, example="n=1")
    assert str(caught.value) == f"f(n={bad!r}): n must be {what}; pass e.g. n=1"


def test_check_int_or_none() -> None:
    assert A.check_int("Dense", "in_features", None, low=1, or_none=True, example="in_features=3") is None
    with pytest.raises(dn.ArgumentError, match=r"in_features must be a positive int or None"):
        A.check_int("Dense", "in_features", 0, low=1, or_none=True, example="in_features=3")
    with pytest.raises(dn.ArgumentError, match=r"units must be a positive int; "):
        A.check_int("Dense", "units", None, low=1, example="Dense(64)")


def test_check_axis_takes_any_int() -> None:
    assert A.check_axis("LayerNorm", "axis", np.int64(-1)) == -1
    with pytest.raises(dn.ArgumentError, match=r"LayerNorm\(axis='last'\): axis must be an int; pass e\.g\. axis=-1"):
        A.check_axis("LayerNorm", "axis", "last")


# -- check_float -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1e-3, np.float32(1e-3), np.float64(1e-3), np.float16(1e-3)])
def test_check_float_takes_numpy_floats_and_returns_python_floats(value: object) -> None:
    result = A.check_float("Adam", "lr", value, low=0.0, example="lr=1e-3")
    assert type(result) is float and result == float(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [2, np.int64(2)])
def test_check_float_takes_ints(value: object) -> None:
    result = A.check_float("Huber", "delta", value, low=0.0, low_open=True, example="delta=1.0")
    assert result == 2.0 and type(result) is float


@pytest.mark.parametrize("value", [True, np.False_, "0.1", None, [0.1], 1j])
def test_check_float_refuses_bools_and_non_numbers(value: object) -> None:
    with pytest.raises(dn.ArgumentError, match=r"^Adam\(eps=.*\): eps must be a number > 0; pass e\.g\. eps=1e-8$"):
        A.check_float("Adam", "eps", value, low=0.0, low_open=True, example="eps=1e-8")


@pytest.mark.parametrize("value", [math.inf, -math.inf, np.float32("inf")])
def test_check_float_refuses_infinities_by_default_and_says_finite(value: object) -> None:
    with pytest.raises(dn.ArgumentError) as caught:
        A.check_float("Adam", "lr", value, low=0.0, example="lr=1e-3")
    assert "lr must be a finite number >= 0" in str(caught.value)


def test_check_float_finite_false_takes_infinities_within_bounds() -> None:
    assert A.check_float("f", "x", math.inf, low=0.0, finite=False, example="x=1") == math.inf
    with pytest.raises(dn.ArgumentError, match=r"x must be a number >= 0"):
        A.check_float("f", "x", -math.inf, low=0.0, finite=False, example="x=1")


@pytest.mark.parametrize("finite", [True, False])
def test_check_float_never_takes_nan(finite: bool) -> None:
    for nan in (math.nan, np.float32("nan")):
        with pytest.raises(dn.ArgumentError, match=r"\(x=(np\.float32\()?nan\)+: x must be a number;"):
            A.check_float("f", "x", nan, finite=finite, example="x=1")


@pytest.mark.parametrize(
    ("kwargs", "inside", "outside", "what"),
    [
        ({"low": 0.0}, [0.0, 5.0], [-1e-9], ">= 0"),
        ({"low": 0.0, "low_open": True}, [1e-12], [0.0, -1.0], "> 0"),
        ({"high": 1.0, "high_open": True}, [0.999, -5.0], [1.0], "< 1"),
        ({"low": 0.0, "high": 1.0}, [0.0, 1.0], [1.5, -0.5], "in [0, 1]"),
        ({"low": 0.0, "high": 1.0, "high_open": True}, [0.0, 0.5], [1.0], "in [0, 1)"),
        ({"low": 0.0, "high": 1.0, "low_open": True, "high_open": True}, [0.5], [0.0, 1.0], "in (0, 1)"),
    ],
)
def test_check_float_bounds(kwargs: dict[str, Any], inside: list[float], outside: list[float], what: str) -> None:
    for value in inside:
        assert A.check_float("f", "x", value, example="x=0.5", **kwargs) == value
    for value in outside:
        with pytest.raises(dn.ArgumentError) as caught:
            A.check_float("f", "x", value, example="x=0.5", **kwargs)
        assert str(caught.value) == f"f(x={value!r}): x must be a number {what}; pass e.g. x=0.5"


def test_check_float_or_none() -> None:
    assert A.check_float("f", "x", None, or_none=True, example="x=1") is None
    with pytest.raises(dn.ArgumentError, match=r"x must be a number or None"):
        A.check_float("f", "x", "a", or_none=True, example="x=1")


def test_check_probability() -> None:
    assert A.check_probability("BatchNorm", "momentum", 1, example="momentum=0.99") == 1.0
    assert A.check_probability("Dropout", "rate", np.float32(0.5), high_open=True, example="0.1") == 0.5
    with pytest.raises(dn.ArgumentError, match=r"Dropout\(rate=1.0\): rate must be a number in \[0, 1\)"):
        A.check_probability("Dropout", "rate", 1.0, high_open=True, example="Dropout(0.1)")


# -- choices, callables, tuples ----------------------------------------------------------------------


def test_check_choice() -> None:
    assert A.check_choice("Loss", "reduction", "sum", ("mean", "sum", "none")) == "sum"
    assert A.check_choice("Conv2D", "padding", "SAME", ("valid", "same"), ignore_case=True) == "same"
    assert A.check_choice("AUC", "curve", "pr", ("ROC", "PR"), ignore_case=True) == "PR"
    with pytest.raises(dn.ArgumentError) as caught:
        A.check_choice("Loss", "reduction", "SUM", ("mean", "sum", "none"))
    assert str(caught.value) == (
        "Loss(reduction='SUM'): reduction must be one of 'mean', 'sum', 'none'; pass e.g. reduction='mean'"
    )
    with pytest.raises(dn.ArgumentError, match=r"mode=None\): mode must be one of 'min', 'max'; use min"):
        A.check_choice("EarlyStopping", "mode", None, ("min", "max"), fix="use min")


def test_check_callable() -> None:
    assert A.check_callable("MeanOf", "fn", print, example="MeanOf(f)") is print
    with pytest.raises(dn.ArgumentError, match=r"MeanOf\(fn=3\): fn must be a function; pass e\.g\. MeanOf\(f\)"):
        A.check_callable("MeanOf", "fn", 3, example="MeanOf(f)")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, (3, 3)), (np.int64(2), (2, 2)), ((1, np.int32(4)), (1, 4)), ([5, 6], (5, 6))],
)
def test_check_int_tuple_broadcasts_ints_and_returns_python_ints(value: object, expected: tuple[int, ...]) -> None:
    result = A.check_int_tuple("Conv2D", "kernel_size", value, 2)
    assert result == expected and all(type(v) is int for v in result)


@pytest.mark.parametrize("value", [0, (3,), (3, 3, 3), (3, 0), (3, True), (3.0, 3), "33", None, ()])
def test_check_int_tuple_refuses(value: object) -> None:
    with pytest.raises(dn.ArgumentError) as caught:
        A.check_int_tuple("Conv2D", "kernel_size", value, 2)
    assert str(caught.value) == (
        f"Conv2D(kernel_size={value!r}): kernel_size must be an int >= 1 or a tuple of 2 such ints; "
        "pass e.g. kernel_size=2 or kernel_size=(2, 2)"
    )


def test_check_int_tuple_of_any_length_and_lower_bound() -> None:
    assert A.check_int_tuple("conv", "strides", 2, None) == (2,)
    assert A.check_int_tuple("conv", "strides", (1, 2, 3), None) == (1, 2, 3)
    assert A.check_int_tuple("f", "output_padding", 0, 2, low=0, example="output_padding=1") == (0, 0)
    with pytest.raises(dn.ArgumentError, match=r"must be an int >= 0 or a tuple of such ints; pass e\.g\. p=1"):
        A.check_int_tuple("f", "p", (-1,), None, low=0, example="p=1")


def test_check_float_tuple() -> None:
    result = A.check_float_tuple(
        "Adam", "betas", (np.float32(0.5), 0), 2, low=0.0, high=1.0, example="betas=(0.9, 0.999)"
    )
    assert result == (0.5, 0.0) and all(type(v) is float for v in result)
    for bad in [(0.9,), (0.9, 1.0), (0.9, math.nan), (0.9, True), 0.9, "ab"]:
        with pytest.raises(dn.ArgumentError, match=r"betas must be 2 numbers in \[0, 1\); pass e\.g\. betas="):
            A.check_float_tuple(
                "Adam", "betas", bad, 2, low=0.0, high=1.0, high_open=True, example="betas=(0.9, 0.999)"
            )


# -- the message -------------------------------------------------------------------------------------


def test_a_where_with_spaces_puts_the_arguments_after_a_space() -> None:
    with pytest.raises(dn.ArgumentError, match=r"^Adam param group 1 \(eps=-1\): eps must be"):
        A.check_float("Adam param group 1", "eps", -1, low=0.0, low_open=True, example="eps=1e-8")


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(dn.ArgumentError) as caught:
        A.check_int("f", "n", list(range(1000)), example="n=1")
    text = str(caught.value)
    assert "...)" in text and len(text) < 200


def test_argument_errors_are_value_errors_and_dualnet_errors() -> None:
    error = A.argument_error("f", "n", 0, "a positive int", "pass e.g. n=1")
    assert isinstance(error, ValueError) and isinstance(error, dn.DualnetError)
    assert str(error) == "f(n=0): n must be a positive int; pass e.g. n=1"


CHECKS: list[Callable[[object], object]] = [
    lambda v: A.check_bool("f", "x", v),
    lambda v: A.check_int("f", "x", v, example="x=1"),
    lambda v: A.check_float("f", "x", v, example="x=1"),
    lambda v: A.check_choice("f", "x", v, ("a",)),
    lambda v: A.check_int_tuple("f", "x", v, 2),
]


@pytest.mark.parametrize("check", CHECKS)
def test_every_check_raises_argument_error_for_an_object(check: Callable[[object], object]) -> None:
    with pytest.raises(dn.ArgumentError, match=r"^f\(x=<object object at .*>\): x must be "):
        check(object())
