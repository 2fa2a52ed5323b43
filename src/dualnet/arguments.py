"""Argument checks: the one place where dualnet decides what a valid argument is.

Every constructor and function that validates a scalar, flag, choice or size
argument calls one of these, so every part of the package takes the same
values and says the same thing about the others:

- NumPy integer and floating scalars are taken wherever a Python int or float
  is (``Dense(np.int64(64))``, ``Adam(lr=np.float32(1e-3))``), as NumPy,
  PyTorch and Keras do; a float argument takes ints too.
- bools are not ints (``Dense(True)`` is refused); NumPy bools are bools.
- NaN is never a valid number; infinities only where a check says ``finite=False``.
- values come back as plain Python ``int`` / ``float`` / ``bool``, so configs
  stay JSON-able and hot paths compare Python numbers.

A bad value raises :class:`dualnet.ArgumentError` (a ``ValueError``) whose
message names the call as the user wrote it, what was expected and how to fix
it: ``"Dense(units=0): units must be a positive int; pass e.g. Dense(64)"``.
``where`` is the callable's name as users write it (``"Dense"``,
``"Trainer.fit"``, ``"dropout"``); a ``where`` with spaces (``"Adam param group 1"``)
is followed by the arguments in parentheses after a space.

This is a leaf module: it imports nothing from dualnet but :mod:`dualnet.errors`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, TypeVar, overload

import numpy as np

from dualnet.errors import ArgumentError

if TYPE_CHECKING:  # annotations only (Python 3.13 has it in typing); never imported at run time
    from typing_extensions import TypeIs

__all__: list[str] = []  # internal: the checks dualnet runs on its own arguments

_F = TypeVar("_F", bound=Callable[..., Any])
_SHOWN = 80  # longest argument repr quoted in a message


# -- predicates --------------------------------------------------------------------------------------


def is_bool(value: object) -> TypeGuard[bool]:
    """A Python or NumPy bool."""
    return isinstance(value, bool | np.bool_)


def is_integer(value: object) -> TypeIs[int]:
    """A Python or NumPy integer, not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[float]:
    """A real number (Python or NumPy int or float), not a bool; NaN and infinities included."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# -- the message -------------------------------------------------------------------------------------


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def argument_error(where: str, name: str, value: object, what: str, fix: str) -> ArgumentError:
    """The ArgumentError every check raises: ``"{where}({name}={value!r}): {name} must be {what}; {fix}"``.

    For checks this module has no function for (a path, a structure), so that
    they read like the rest.
    """
    call = f"{name}={_shown(value)}"
    called = f"{where} ({call})" if " " in where else f"{where}({call})"
    return ArgumentError(f"{called}: {name} must be {what}; {fix}")


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return ""


def _inside(number: float, low: float | None, high: float | None, low_open: bool, high_open: bool) -> bool:
    if low is not None and (number <= low if low_open else number < low):
        return False
    return high is None or (number < high if high_open else number <= high)


# -- scalars -----------------------------------------------------------------------------------------


@overload
def check_bool(where: str, name: str, value: object, *, or_none: Literal[False] = False) -> bool: ...


@overload
def check_bool(where: str, name: str, value: object, *, or_none: Literal[True]) -> bool | None: ...


def check_bool(where: str, name: str, value: object, *, or_none: bool = False) -> bool | None:
    """``value`` as a Python bool (NumPy bools too; ``None`` too with ``or_none``).

    Strings, ints and other truthy objects are refused: ``use_bias='no'`` would
    otherwise turn the bias on.

    Raises:
        ArgumentError: ``value`` is not a bool.
    """
    if value is None and or_none:
        return None
    if not is_bool(value):
        what = "None, True or False" if or_none else "True or False"
        raise argument_error(where, name, value, what, f"pass {name}=True or {name}=False")
    return bool(value)


@overload
def check_int(
    where: str,
    name: str,
    value: object,
    *,
    low: int | None = None,
    high: int | None = None,
    or_none: Literal[False] = False,
    example: str,
) -> int: ...


@overload
def check_int(
    where: str,
    name: str,
    value: object,
    *,
    low: int | None = None,
    high: int | None = None,
    or_none: Literal[True],
    example: str,
) -> int | None: ...


def check_int(
    where: str,
    name: str,
    value: object,
    *,
    low: int | None = None,
    high: int | None = None,
    or_none: bool = False,
    example: str,
) -> int | None:
    """``value`` as a Python int in ``[low, high]`` (a None bound is no bound; ``None`` itself with ``or_none``).

    NumPy integers are taken; bools and floats (even ``3.0``) are refused.
    ``example`` completes the fix: ``"pass e.g. {example}"``.

    Raises:
        ArgumentError: ``value`` is not an int within the bounds.
    """
    if value is None and or_none:
        return None
    if is_integer(value) and _inside(value, low, high, False, False):
        return int(value)
    if low is not None and high is not None:
        what = f"an int in [{low}, {high}]"
    elif low == 1:
        what = "a positive int"
    else:
        what = f"an int {_interval(low, high, False, False)}".rstrip()
    raise argument_error(where, name, value, what + (" or None" if or_none else ""), f"pass e.g. {example}")


def check_axis(where: str, name: str, value: object, *, example: str = "axis=-1") -> int:
    """``value`` as an axis: any int (negative counts from the end); the rank is checked when the data comes.

    Raises:
        ArgumentError: ``value`` is not an int.
    """
    return check_int(where, name, value, example=example)


@overload
def check_float(
    where: str,
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
    or_none: Literal[False] = False,
    example: str,
) -> float: ...


@overload
def check_float(
    where: str,
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
    or_none: Literal[True],
    example: str,
) -> float | None: ...


def check_float(
    where: str,
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
    or_none: bool = False,
    example: str,
) -> float | None:
    """``value`` as a Python float between ``low`` and ``high`` (each excluded when ``*_open``).

    Python and NumPy ints and floats are taken; bools are not. NaN never passes;
    infinities pass only with ``finite=False`` (and the bounds allowing them).
    ``None`` passes with ``or_none``. ``example`` completes the fix: ``"pass e.g. {example}"``.

    Raises:
        ArgumentError: ``value`` is not a number within the bounds.
    """
    if value is None and or_none:
        return None
    number = float(value) if is_number(value) else math.nan
    if (math.isfinite(number) or (not finite and math.isinf(number))) and _inside(
        number, low, high, low_open, high_open
    ):
        return number
    bad_infinity = finite and is_number(value) and math.isinf(number)
    what = " ".join(
        part
        for part in ("a finite number" if bad_infinity else "a number", _interval(low, high, low_open, high_open))
        if part
    )
    raise argument_error(where, name, value, what + (" or None" if or_none else ""), f"pass e.g. {example}")


def check_probability(where: str, name: str, value: object, *, high_open: bool = False, example: str) -> float:
    """``value`` as a float in ``[0, 1]`` (``[0, 1)`` with ``high_open``: dropout rates, which cannot drop all).

    Raises:
        ArgumentError: ``value`` is not a number in that interval.
    """
    return check_float(where, name, value, low=0.0, high=1.0, high_open=high_open, example=example)


def check_choice(
    where: str,
    name: str,
    value: object,
    choices: Sequence[str],
    *,
    ignore_case: bool = False,
    fix: str | None = None,
) -> str:
    """``value`` if it is one of the strings ``choices``, returned as spelled there.

    With ``ignore_case`` the comparison ignores case (``padding="SAME"``).
    ``fix`` replaces the default advice ``"pass e.g. {name}={choices[0]!r}"``.

    Raises:
        ArgumentError: ``value`` is not one of ``choices`` (the message lists them).
    """
    if isinstance(value, str):
        key = value.lower() if ignore_case else value
        for choice in choices:
            if key == (choice.lower() if ignore_case else choice):
                return choice
    what = "one of " + ", ".join(map(repr, choices))
    raise argument_error(where, name, value, what, fix or f"pass e.g. {name}={choices[0]!r}")


def check_callable(where: str, name: str, value: _F, *, what: str = "a function", example: str) -> _F:
    """``value`` if it is callable.

    Raises:
        ArgumentError: ``value`` is not callable.
    """
    if not callable(value):
        raise argument_error(where, name, value, what, f"pass e.g. {example}")
    return value


# -- tuples ------------------------------------------------------------------------------------------


def check_int_tuple(
    where: str,
    name: str,
    value: object,
    length: int | None,
    *,
    low: int = 1,
    example: str | None = None,
) -> tuple[int, ...]:
    """``value`` (an int, or a sequence of ``length`` ints, each ``>= low``) as a tuple of Python ints.

    An int stands for every position (a conv's ``kernel_size=3`` is ``(3, 3)`` in 2-D).
    ``length=None`` takes sequences of any non-zero length and an int as a 1-tuple.
    The default fix shows both spellings.

    Raises:
        ArgumentError: ``value`` is neither such an int nor such a sequence.
    """
    if is_integer(value):
        items: Any = (value,) * (length or 1)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        items = value
    else:
        items = None
    if (
        items is not None
        and len(items) > 0
        and (length is None or len(items) == length)
        and all(is_integer(v) and v >= low for v in items)
    ):
        return tuple(int(v) for v in items)
    count = f"{length} such ints" if length is not None else "such ints"
    what = f"an int >= {low} or a tuple of {count}"
    if example is None:
        size = max(low, 2)
        spelled = ", ".join([str(size)] * (length or 2)) + ("," if length == 1 else "")
        example = f"{name}={size} or {name}=({spelled})"
    raise argument_error(where, name, value, what, f"pass e.g. {example}")


def check_float_tuple(
    where: str,
    name: str,
    value: object,
    length: int,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    example: str,
) -> tuple[float, ...]:
    """``value`` (a tuple or list of ``length`` finite numbers, each within the bounds) as a tuple of floats.

    Raises:
        ArgumentError: ``value`` is not such a sequence.
    """
    if isinstance(value, tuple | list) and len(value) == length:
        numbers_in = [float(v) if is_number(v) else math.nan for v in value]
        if all(math.isfinite(v) and _inside(v, low, high, low_open, high_open) for v in numbers_in):
            return tuple(numbers_in)
    what = " ".join(part for part in (f"{length} numbers", _interval(low, high, low_open, high_open)) if part)
    raise argument_error(where, name, value, what, f"pass e.g. {example}")
