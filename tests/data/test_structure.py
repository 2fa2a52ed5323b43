"""Structures: flatten lists leaves with readable paths; unflatten rebuilds the same containers."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import structure

Pair = namedtuple("Pair", ["image", "label"])


def test_flatten_orders_leaves_and_names_paths() -> None:
    data = {"a": 1, "b": (2, [3, {"c": 4}])}
    leaves, paths, treedef = structure.flatten(data, "x")
    assert leaves == [1, 2, 3, 4]
    assert paths == ["x['a']", "x['b'][0]", "x['b'][1][0]", "x['b'][1][1]['c']"]
    assert structure.unflatten(treedef, [10, 20, 30, 40]) == {"a": 10, "b": (20, [30, {"c": 40}])}


def test_top_level_names() -> None:
    leaves, paths, treedef = structure.flatten((1, (2, 3)), ("x", "y"))
    assert paths == ["x", "y[0]", "y[1]"]
    assert structure.unflatten(treedef, leaves) == (1, (2, 3))
    with pytest.raises(dn.ArgumentError, match="one name per top-level item"):
        structure.flatten((1, 2, 3), ("x", "y"))


def test_named_tuples_and_lists_keep_their_type() -> None:
    out = structure.map_structure(lambda v: v * 2, [Pair(1, 2), (3,)])
    assert out == [Pair(2, 4), (6,)]
    assert isinstance(out[0], Pair) and isinstance(out, list)


def test_unflatten_checks_the_leaf_count() -> None:
    _, _, treedef = structure.flatten((1, 2))
    with pytest.raises(dn.ArgumentError, match="fewer leaves"):
        structure.unflatten(treedef, [1])
    with pytest.raises(dn.ArgumentError, match="more leaves"):
        structure.unflatten(treedef, [1, 2, 3])


def test_num_samples_names_the_mismatched_leaf() -> None:
    leaves = [np.zeros((100, 2)), np.zeros(99)]
    with pytest.raises(dn.ShapeError, match=r"x\[1\] has 99 samples but x\[0\] has 100"):
        structure.num_samples(leaves, ["x[0]", "x[1]"])
    assert structure.num_samples([np.zeros((5, 3)), np.zeros(5)], ["a", "b"]) == 5
