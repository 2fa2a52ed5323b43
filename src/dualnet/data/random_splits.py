"""``random_split``: a dataset cut into non-overlapping random subsets, as ``torch.utils.data.random_split``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet import seeding
from dualnet.arguments import check_int, is_integer, is_number
from dualnet.data.datasets import Subset
from dualnet.errors import ArgumentError

__all__ = ["random_split"]


def random_split(dataset: Any, lengths: Sequence[int | float], seed: int | None = None) -> list[Subset]:
    """``dataset`` split into ``len(lengths)`` :class:`Subset` s of a seeded random permutation.

    ``lengths`` are item counts summing to ``len(dataset)``, or fractions summing to 1:
    each gets ``floor(n * fraction)`` items and the remainder goes one by one to the
    first subsets (torch's rule). The permutation is ``np.random.default_rng(seed)``'s,
    so a seed gives the same split on every backend.

    Raises:
        ArgumentError: lengths that are neither all counts nor all fractions, that do not
            sum to ``len(dataset)`` (or 1), or a bad ``seed``.
    """
    n = len(dataset)
    seed = seeding.current_seed() if seed is None else check_int("random_split", "seed", seed, low=0, example="0")
    values = list(lengths)
    if values and all(is_integer(v) and v >= 0 for v in values):
        counts = [int(v) for v in values]
    elif values and all(is_number(v) and 0 <= float(v) <= 1 for v in values) and math.isclose(sum(values), 1.0):
        counts = [math.floor(n * float(v)) for v in values]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        raise ArgumentError(
            f"random_split: lengths={values!r} are neither item counts nor fractions in [0, 1] summing to 1; "
            f"pass e.g. [0.8, 0.2] or counts summing to {n}"
        )
    if sum(counts) != n:
        raise ArgumentError(
            f"random_split: lengths={values!r} sum to {sum(counts)} but the dataset holds {n} items; "
            "make them sum to the dataset's length"
        )
    order = np.random.default_rng(seed).permutation(n)
    stops = np.cumsum(counts)
    return [Subset(dataset, order[stop - count : stop]) for count, stop in zip(counts, stops)]
