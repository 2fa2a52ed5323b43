"""split: the last fraction of the samples is held out, in the same structure (Keras's validation_split)."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import split


def test_last_fraction_is_held_out(backend: str) -> None:
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    (x_train, y_train), (x_val, y_val) = split((x, y), 0.25)
    # Keras: split_at = ceil(10 * 0.75) = 8
    np.testing.assert_array_equal(x_train, x[:8])
    np.testing.assert_array_equal(y_val, [8, 9])
    assert x_val.shape == (2, 2) and y_train.shape == (8,)


def test_structure_is_kept(backend: str) -> None:
    data = {"a": np.arange(5), "b": [np.arange(5) * 2]}
    train, val = split(data, 0.4)
    assert set(train) == {"a", "b"} and isinstance(val["b"], list)
    np.testing.assert_array_equal(val["b"][0], [6, 8])
    np.testing.assert_array_equal(train["a"], [0, 1, 2])


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5, True, "0.2", None])
def test_fraction_outside_zero_one(backend: str, fraction: object) -> None:
    with pytest.raises(dn.ArgumentError, match=r"fraction must be a number in \(0, 1\)"):
        split(np.arange(10), fraction)  # type: ignore[arg-type]


def test_a_side_left_empty(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="both need at least one sample"):
        split(np.arange(3), 0.1)  # ceil(2.7) = 3: nothing left for validation


def test_generators_and_mismatched_lengths(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="pass validation_data"):
        split(iter([np.zeros(2)]), 0.5)
    with pytest.raises(dn.ShapeError, match="y has 9 samples but x has 10"):
        split((np.zeros(10), np.zeros(9)), 0.5, name=("x", "y"))
