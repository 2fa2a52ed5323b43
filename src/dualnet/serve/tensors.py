"""JSON values to NumPy arrays of a spec's dtype, and the checks both protocols share.

A tensor in JSON is a number or nested lists of numbers. NumPy reads them;
what it cannot read as one rectangular block of numbers is answered with a
400 that points at the first offending element (``[2][0]``) or row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.serve.errors import RequestError
from dualnet.serve.signature import TensorSpec

__all__: list[str] = []

# Which NumPy kinds (as NumPy infers them from JSON) each target kind accepts: integers may feed a float input,
# decimals never feed an integer one, and bools only a bool one.
ACCEPTS = {"f": "iuf", "i": "iu", "u": "iu", "b": "b"}
KIND_WORDS = {"f": "numbers", "i": "integers", "u": "non-negative integers", "b": "booleans (true/false)"}


def to_array(value: Any, spec: TensorSpec, where: str) -> np.ndarray:
    """``value`` (a number or nested lists of numbers) as an array of ``spec.dtype``; the shape is not checked.

    Raises:
        RequestError: the lists are ragged, hold something other than numbers of the right kind, or hold an
            integer out of the dtype's range (400).
    """
    target = np.dtype(spec.dtype)
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError, OverflowError):  # ragged lists (NumPy refuses inhomogeneous shapes)
        raise RequestError(
            f"{where}: {_problem(value)}; send a rectangular block of {KIND_WORDS[target.kind]}"
        ) from None
    if raw.dtype == object or raw.dtype.kind not in "biuf":
        raise RequestError(f"{where}: {_problem(value)}; send {KIND_WORDS[target.kind]} for a {spec.dtype} input")
    if raw.size and raw.dtype.kind not in ACCEPTS[target.kind]:
        raise RequestError(
            f"{where}: expected {KIND_WORDS[target.kind]} for a {spec.dtype} input, got {_kind_name(raw)}; "
            f"send {spec.dtype} values"
        )
    if target.kind in "iu" and raw.size:
        info = np.iinfo(target)
        low, high = int(raw.min()), int(raw.max())
        if low < info.min or high > info.max:
            raise RequestError(
                f"{where}: values must fit {spec.dtype} [{info.min}, {info.max}], got {low if low < info.min else high}"
                "; send values in range"
            )
    return raw.astype(target, copy=False)


def check_shape(shape: Sequence[int], expected: Sequence[int | None], where: str, what: str, batched: bool) -> None:
    """Raise a 400 unless ``shape`` matches ``expected`` (``None`` matches any size); ``what`` names the tensor.

    ``batched``: ``expected`` starts with the batch dimension (shown as ``N``).

    Raises:
        RequestError: the rank or a fixed dimension differs (400).
    """
    if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected, shape)):
        raise RequestError(
            f"{where}: {what} must have shape {_shape_text(expected, batched)}, got {_shape_text(shape, False)}; "
            "reshape the data to the model's input shape (the model's metadata shows it)"
        )


def batch_size(arrays: dict[str, np.ndarray], where: str) -> int:
    """The common first dimension of the inputs (the number of rows); a 400 when they differ or are empty.

    Raises:
        RequestError: the inputs have different batch sizes, or no rows (400).
    """
    sizes = {name: int(array.shape[0]) for name, array in arrays.items()}
    if len(set(sizes.values())) > 1:
        raise RequestError(
            f"{where}: every input must have the same batch size (first dimension), got {sizes}; send the same "
            "number of rows for each input"
        )
    rows = next(iter(sizes.values()))
    if rows == 0:
        raise RequestError(f"{where}: the batch is empty (0 rows); send at least one row")
    return rows


def check_names(given: Sequence[str], expected: Sequence[str], where: str) -> None:
    """Raise a 400 naming unknown and missing inputs, unless ``given`` holds exactly the ``expected`` names.

    Raises:
        RequestError: an unknown or a missing input name, or one given twice (400).
    """
    unknown = [name for name in given if name not in expected]
    if unknown:
        raise RequestError(
            f"{where}: unknown input {unknown[0]!r}; this model's inputs are {list(expected)}: use those names"
        )
    missing = [name for name in expected if name not in given]
    if missing:
        raise RequestError(f"{where}: missing input {missing[0]!r}; this model needs the inputs {list(expected)}")
    if len(given) != len(set(given)):
        repeated = next(name for name in given if list(given).count(name) > 1)
        raise RequestError(f"{where}: input {repeated!r} is given twice; send each input once")


def _kind_name(array: np.ndarray) -> str:
    return {"f": "decimal numbers", "i": "integers", "u": "integers", "b": "booleans"}[array.dtype.kind]


def _shape_text(shape: Sequence[int | None], batched: bool) -> str:
    dims = ["N" if i == 0 and batched and d is None else "?" if d is None else str(d) for i, d in enumerate(shape)]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _problem(value: Any) -> str:
    """Words for what keeps ``value`` from being a rectangular block of numbers: the first bad element's path."""
    found = _find_problem(value, "")
    return found if found is not None else "the values are not a rectangular block of numbers"


def _find_problem(value: Any, path: str) -> str | None:
    if isinstance(value, list):
        if not value:
            return None
        nested = [isinstance(item, list) for item in value]
        if any(nested) and not all(nested):
            index = nested.index(not nested[0])
            where = path or "the value"
            kinds = ["a list" if nested[i] else "a number" for i in (index, 0)]
            return f"ragged: {where}[{index}] is {kinds[0]} but {where}[0] is {kinds[1]}"
        if all(nested):
            lengths = [len(item) for item in value]
            if len(set(lengths)) > 1:
                index = next(i for i, n in enumerate(lengths) if n != lengths[0])
                return (
                    f"ragged: {path}[{index}] has {lengths[index]} elements but {path}[0] has {lengths[0]}"
                    if path
                    else f"ragged: row {index} has {lengths[index]} elements but row 0 has {lengths[0]}"
                )
        for i, item in enumerate(value):
            found = _find_problem(item, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(value, bool | int | float):
        return None
    text = repr(value) if not isinstance(value, dict) else "an object"
    return f"element {path or 'value'} is {text[:40]}, not a number"
