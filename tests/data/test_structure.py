"""The data rule on structures: every array leaf holds one row per sample."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import structure


def test_num_samples_names_the_mismatched_leaf() -> None:
    leaves = [np.zeros((100, 2)), np.zeros(99)]
    with pytest.raises(dn.ShapeError, match=r"x\[1\] has 99 samples but x\[0\] has 100"):
        structure.num_samples(leaves, ["x[0]", "x[1]"])
    assert structure.num_samples([np.zeros((5, 3)), np.zeros(5)], ["a", "b"]) == 5
