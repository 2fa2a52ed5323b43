"""dualnet.tree: flatten lists leaves with readable paths; unflatten rebuilds the same containers."""

from __future__ import annotations

from collections import namedtuple

import pytest

import dualnet as dn
from dualnet import tree

Pair = namedtuple("Pair", ["image", "label"])


def test_flatten_orders_leaves_and_names_paths() -> None:
    data = {"a": 1, "b": (2, [3, {"c": 4}])}
    leaves, paths, treedef = tree.flatten(data, "x")
    assert leaves == [1, 2, 3, 4]
    assert paths == ["x['a']", "x['b'][0]", "x['b'][1][0]", "x['b'][1][1]['c']"]
    assert tree.unflatten(treedef, [10, 20, 30, 40]) == {"a": 10, "b": (20, [30, {"c": 40}])}


def test_top_level_names() -> None:
    leaves, paths, treedef = tree.flatten((1, (2, 3)), ("x", "y"))
    assert paths == ["x", "y[0]", "y[1]"]
    assert tree.unflatten(treedef, leaves) == (1, (2, 3))
    with pytest.raises(dn.ArgumentError, match="one name per top-level item"):
        tree.flatten((1, 2, 3), ("x", "y"))


def test_named_tuples_and_lists_keep_their_type() -> None:
    out = tree.map_structure(lambda v: v * 2, [Pair(1, 2), (3,)])
    assert out == [Pair(2, 4), (6,)]
    assert isinstance(out[0], Pair) and isinstance(out, list)


def test_unflatten_checks_the_leaf_count() -> None:
    _, _, treedef = tree.flatten((1, 2))
    with pytest.raises(dn.ArgumentError, match="fewer leaves"):
        tree.unflatten(treedef, [1])
    with pytest.raises(dn.ArgumentError, match="more leaves"):
        tree.unflatten(treedef, [1, 2, 3])


def test_leaves_are_in_flatten_order() -> None:
    assert tree.leaves({"b": [1, 2], "a": (3,)}) == [1, 2, 3]  # dicts in insertion order, not sorted
    assert tree.leaves(5) == [5]
