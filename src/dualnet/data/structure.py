"""The data rule on structures: every array leaf holds one row per sample.

Structures themselves (flatten, unflatten, map_structure) are :mod:`dualnet.tree`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dualnet.errors import ArgumentError, ShapeError

__all__: list[str] = []


def num_samples(leaves: Sequence[np.ndarray], paths: Sequence[str]) -> int:
    """The common first dimension of ``leaves`` (arrays of rank >= 1).

    Raises ShapeError naming the first leaf whose length differs from the first leaf's,
    or a scalar leaf (it has no sample dimension).
    """
    if not leaves:
        raise ArgumentError("data: the structure holds no arrays; pass an array, or a tuple/dict of arrays")
    for leaf, path in zip(leaves, paths):
        if leaf.ndim == 0:
            raise ShapeError(
                f"{path}: expected an array with one row per sample, got a scalar; "
                "note that a list is read as a structure of inputs: wrap a list of numbers in np.asarray(...)"
            )
    n = int(leaves[0].shape[0])
    for leaf, path in zip(leaves[1:], paths[1:]):
        if leaf.shape[0] != n:
            raise ShapeError(
                f"{path} has {leaf.shape[0]} samples but {paths[0]} has {n}; "
                "every array must have the same first dimension (one row per sample)"
            )
    return n
