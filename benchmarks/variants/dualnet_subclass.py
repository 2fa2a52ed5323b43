"""dualnet's Trainer step on the workload's layers as a ``Module`` subclass whose ``forward`` calls each layer in turn.

Compared side by side with the functional form (issue 16: a functional model's step costs what the same model
written as a subclass costs); everything else as :mod:`benchmarks.variants.dualnet_variant`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.variants import dualnet_variant
from benchmarks.workloads import Workload


def prepare(
    workload: Workload,
    weights: dict[str, np.ndarray],
    data: list[tuple[np.ndarray, np.ndarray]],
    jit: bool,
    device: str = "cpu",
) -> tuple[Callable[[int], Any], Callable[[Any], float]]:
    """:func:`benchmarks.variants.dualnet_variant.prepare` with the model in the subclass form."""
    return dualnet_variant.prepare(workload, weights, data, jit, device, form="subclass")
