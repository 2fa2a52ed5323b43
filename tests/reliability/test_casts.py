"""Loading arrays of another dtype: converted only when no value changes, never across kinds, unless ``cast=True``.

The reference for "no value changes" is NumPy's ``astype`` there and back (torch's
for bfloat16, which NumPy lacks); the reference for ``cast=True`` is ``astype``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import dualnet as dn
from tests.reliability.files import X, model, retyped

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
KIND = {"b": "bool", "u": "integer", "i": "integer", "f": "float"}
# Per source dtype: values that every dtype of its kind can hold, and values that only some can.
SAMPLES: dict[str, list[list[Any]]] = {
    "b": [[True, False]],
    "u": [[0, 7, 100], [0, 255]],
    "i": [[-3, 0, 100], [-128, 127], [40000, -1], [2**40]],
    "f": [[0.0, 1.5, -2.0, np.inf], [0.1, 3.0], [1e10], [1e300], [1 / 3], [np.nan]],
}


class Holder(dn.nn.Module):
    """One variable ``b`` of shape (k,) in ``dtype``: a buffer, or a weight for bfloat16 (which NumPy lacks)."""

    def __init__(self, dtype: str, size: int) -> None:
        super().__init__()
        if dtype == "bfloat16":
            self.b = self.add_weight("b", (size,), "zeros", "bfloat16")
        else:
            self.b = self.add_buffer("b", np.zeros(size, dtype))

    def forward(self, x: Any) -> Any:
        return x


def _exact(value: np.ndarray, target: str) -> bool:
    """NumPy's (torch's for bfloat16) answer: does ``value`` converted to ``target`` keep every value?"""
    wide = value.astype("float64")  # every sample is exact in float64
    if target == "bfloat16":
        converted = torch.from_numpy(wide).to(torch.bfloat16).to(torch.float64).numpy()
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            converted = value.astype(target).astype("float64")
    return bool(np.array_equal(converted, wide, equal_nan=True))


def _cases() -> list[tuple[np.ndarray, str]]:
    out = []
    for source in DTYPES:
        for values in SAMPLES[np.dtype(source).kind]:
            with np.errstate(over="ignore", invalid="ignore"):
                array = np.array(values).astype(source)
            if np.array_equal(array.astype("float64"), np.array(values, "float64"), equal_nan=True):
                out += [(array, target) for target in [*DTYPES, "bfloat16"]]  # values the source dtype holds
    return out


def test_loads_exactly_when_no_value_changes_and_refuses_the_rest(backend: str) -> None:
    outcomes = {"loaded": 0, "refused": 0}
    for value, target in _cases():
        holder = Holder(target, value.size)
        same_kind = KIND[value.dtype.kind] == KIND["f" if target == "bfloat16" else np.dtype(target).kind]
        allowed = same_kind and _exact(value, target)
        where = f"{value.dtype} {value.tolist()} into {target}"
        try:
            holder.load_state_dict({"b": value})
        except dn.StateDictError as refused:
            assert not allowed, f"{where} was refused though exact: {refused}"
            assert "pass cast=True" in str(refused)
            outcomes["refused"] += 1
            continue
        assert allowed, f"{where} was loaded though it changes values or kind"
        np.testing.assert_array_equal(dn.ops.to_numpy(holder.b).astype("float64"), value.astype("float64"), where)
        outcomes["loaded"] += 1
    assert outcomes == {"loaded": 78, "refused": 172}, outcomes  # the figures docs/reliability.md gives


@pytest.mark.parametrize(
    ("source", "target", "values"),
    [
        ("int32", "float32", [1065353216, -7]),  # float32 bits read as ints: kept as ints, as asked
        ("float64", "float16", [0.1, 70000.0]),  # rounds, and overflows to inf
        ("float32", "int32", [1.7, -2.5]),  # truncates toward zero
        ("float32", "bool", [0.0, 2.0]),
        ("int32", "uint8", [300, -1]),  # wraps
        ("float32", "bfloat16", [1.1, 3.0]),  # rounds to nearest even
    ],
)
def test_cast_true_converts_like_astype(backend: str, source: str, target: str, values: list[Any]) -> None:
    value = np.array(values, source)
    holder = Holder(target, value.size)
    if target == "bfloat16":
        expected = torch.from_numpy(value).to(torch.bfloat16).to(torch.float32).numpy()
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            expected = value.astype(target)
    with pytest.raises(dn.StateDictError):
        holder.load_state_dict({"b": value})
    holder.load_state_dict({"b": value}, cast=True)
    np.testing.assert_array_equal(dn.ops.to_numpy(holder.b), expected)


def test_files_load_without_asking_when_exact(backend: str, tmp_path: Path) -> None:
    for name in ("half", "ints"):
        model().save_weights(tmp_path / f"{name}.safetensors")
    half = retyped(tmp_path / "half.safetensors", "float16")  # a float16 file into float32 weights: exact
    loaded = model()
    loaded.load_weights(half)
    for name, value in dn.io.load_state(half).items():
        np.testing.assert_array_equal(loaded.state_dict()[name], value.astype("float32"))
    ints = retyped(tmp_path / "ints.safetensors", "int32", lambda a: a.view("int32"))
    loaded.load_weights(ints, cast=True)  # asked for: the ints become floats, as astype does
    np.testing.assert_array_equal(loaded.state_dict()["0.kernel"], dn.io.load_state(ints)["0.kernel"].astype("float32"))


def test_bfloat16_weights_round_trip_through_a_file_without_cast(backend: str, tmp_path: Path) -> None:
    dn.seed(0)
    saved = dn.nn.Dense(4, in_features=3, dtype="bfloat16")
    saved(dn.ops.cast(dn.ops.convert_to_tensor(X), "bfloat16"))
    path = tmp_path / "m.safetensors"
    dn.save(saved, path)  # the file holds float32 (safetensors.numpy has no bfloat16)
    loaded = dn.load(path)
    assert dn.ops.dtype(loaded.kernel) == "bfloat16"
    for name, value in saved.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[name], value)
