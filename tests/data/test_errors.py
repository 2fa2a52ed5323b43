"""Bad data and arguments raise dualnet errors that name the argument and say how to fix it."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import DataLoader, adapt


def test_arrays_of_different_lengths(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"x\[1\] has 99 samples but x\[0\] has 100; .*same first dimension"):
        DataLoader((np.zeros((100, 2)), np.zeros(99)), name="x")
    with pytest.raises(dn.ShapeError, match="y has 99 samples but x has 100"):
        adapt((np.zeros((100, 2)), np.zeros(99)), batch_size=8, shuffle=True, name=("x", "y"))
    with pytest.raises(dn.ShapeError, match=r"data\['b'\]\[0\] has 3 samples but data\['a'\] has 4"):
        DataLoader({"a": np.zeros(4), "b": (np.zeros(3),)})


def test_empty_data(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="x holds 0 samples"):
        adapt(np.zeros((0, 3)), batch_size=2, shuffle=False, name="x")
    with pytest.raises(dn.ArgumentError, match="holds no arrays"):
        DataLoader(())
    with pytest.raises(dn.ArgumentError, match="holds no arrays"):
        DataLoader({})


def test_scalar_and_non_numeric_leaves(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"data\[0\]: expected an array with one row per sample, got a scalar"):
        DataLoader([1, 2, 3])
    with pytest.raises(dn.ArgumentError, match=r"data\[1\]: expected numbers or booleans, got an array of dtype <U1"):
        DataLoader((np.zeros(2), np.array(["a", "b"])))
    with pytest.raises(dn.ArgumentError, match=r"data\['y'\]: expected a NumPy array .*got generator"):
        DataLoader({"y": (i for i in range(3))})


def test_drop_last_with_fewer_samples_than_a_batch(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="fewer than batch_size=8, and drop_last=True would leave no batch"):
        DataLoader(np.zeros(5), batch_size=8, drop_last=True)
    assert len(DataLoader(np.zeros(5), batch_size=8)) == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 0}, r"DataLoader\(batch_size=0\): batch_size must be a positive int"),
        ({"prefetch": -1}, r"DataLoader\(prefetch=-1\): prefetch must be an int >= 0"),
        ({"seed": -3}, r"DataLoader\(seed=-3\): seed must be an int >= 0"),
        ({"seed": 1.5}, r"DataLoader\(seed=1.5\): seed must be an int >= 0"),
    ],
)
def test_bad_arguments(backend: str, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        DataLoader(np.zeros(4), **kwargs)  # type: ignore[arg-type]


def test_bad_epoch(backend: str) -> None:
    loader = DataLoader(np.zeros(4))
    with pytest.raises(dn.ArgumentError, match=r"set_epoch\(epoch=-1\): epoch must be an int >= 0"):
        loader.set_epoch(-1)
