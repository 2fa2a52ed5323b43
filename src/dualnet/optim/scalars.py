"""Arithmetic on the scalars of an optimizer step: Python numbers in eager steps, tensors in compiled ones.

``Optimizer.step_scalars`` gets the step count and learning rate as Python
numbers eagerly (as torch computes them) and as float64 tensors inside a
compiled step; these helpers take either, so a rule is written once. Each
returns a Python number when all its operands are, else a tensor.
"""

from __future__ import annotations

import math
from typing import Any

from dualnet.backend.dispatch import B

__all__: list[str] = []


def _eager(*values: Any) -> bool:
    return not any(B.is_tensor(v) for v in values)


def minimum(a: Any, b: Any) -> Any:
    """The smaller of ``a`` and ``b``."""
    return min(a, b) if _eager(a, b) else B.minimum(a, b)


def maximum(a: Any, b: Any) -> Any:
    """The larger of ``a`` and ``b``."""
    return max(a, b) if _eager(a, b) else B.maximum(a, b)


def sqrt(x: Any) -> Any:
    """The square root of ``x``."""
    return math.sqrt(x) if _eager(x) else B.sqrt(x)


def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` holds, else ``b`` (a Python branch when ``condition`` is a bool)."""
    if _eager(condition):
        return a if condition else b
    return B.where(condition, a, b)


def wide(x: Any) -> Any:
    """``x`` in float64 when it is a tensor (a compiled step's scalars come cast to the parameter's dtype)."""
    return B.cast(x, "float64") if B.is_tensor(x) else x


def lerp(start: Any, end: Any, weight: Any) -> Any:
    """``start + weight * (end - start)``, in the form torch's kernel uses for that weight.

    ``weight`` is a Python number (the usual case: ``1 - beta``) or a scalar tensor (a weight that
    changes with the step count, inside a compiled step: both forms are computed and one is taken).
    """
    if _eager(weight):
        if weight < 0.5:
            return start + weight * (end - start)
        return end - (end - start) * (1.0 - weight)
    return B.where(weight < 0.5, start + weight * (end - start), end - (end - start) * (1.0 - weight))
