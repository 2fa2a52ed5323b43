"""pad's NumPy modes (constant, reflect, symmetric, edge, wrap) on both backends: values, gradients, graph mode."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.gradcheck import check_gradients

X = np.random.default_rng(13).standard_normal((3, 4)).astype(np.float32)
MODES = ["constant", "reflect", "symmetric", "edge", "wrap"]
WIDTHS = [((1, 2), (0, 3)), ((5, 4), (2, 7)), 2]  # within the axis, wider than it, one int


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS, ids=["narrow", "wide", "int"])
def test_matches_numpy(backend: str, mode: str, width: Any) -> None:
    assert_matches_numpy(dn.ops.pad(X, width, mode=mode), np.pad(X, width, mode=mode))
    ints = (X * 10).astype(np.int32)
    assert_matches_numpy(dn.ops.pad(ints, width, mode=mode), np.pad(ints, width, mode=mode))


@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
def test_matches_keras(backend: str, mode: str) -> None:
    theirs = keras.ops.pad(X, ((1, 2), (2, 1)), mode=mode)
    assert_matches_numpy(dn.ops.pad(X, ((1, 2), (2, 1)), mode=mode), keras.ops.convert_to_numpy(theirs))


@pytest.mark.parametrize("mode", MODES[1:])
def test_gradients(backend: str, mode: str) -> None:
    width = ((2, 4), (1, 5))
    check_gradients(lambda x: dn.ops.pad(x, width, mode=mode), lambda x: np.pad(x, width, mode=mode), [X[:2, :3]])


def test_graph_mode(backend: str) -> None:
    step = dn.function(lambda x: [dn.ops.pad(x, ((1, 4), (3, 0)), mode=m) for m in MODES[1:]])
    for got, mode in zip(step(dn.ops.convert_to_tensor(X)), MODES[1:]):
        assert_matches_numpy(got, np.pad(X, ((1, 4), (3, 0)), mode=mode))


def test_empty_axis_is_refused(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="pad: cannot edge-pad axis 0 of size 0"):
        dn.ops.pad(np.zeros((0, 2), np.float32), 1, mode="edge")
