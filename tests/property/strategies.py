"""Shared hypothesis settings, strategies and comparisons for the property tests of ``dn.ops``.

``PROPS`` is the settings every property test uses: the ``dualnet-ci`` profile
(derandomized, so CI runs the same examples every time; no deadline, because
the first call of an op on a backend is slow) unless ``DUALNET_HYPOTHESIS_PROFILE``
names another (``dualnet-explore``: random and ten times the examples, to hunt
for new failures locally).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.extra import numpy as hnp

import dualnet as dn

_COMMON = {
    "deadline": None,
    # The backend fixture is function-scoped on purpose: it only selects the framework, no per-example state.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("dualnet-ci", derandomize=True, max_examples=50, database=None, **_COMMON)
settings.register_profile("dualnet-explore", max_examples=300, **_COMMON)
PROPS = settings.get_profile(os.environ.get("DUALNET_HYPOTHESIS_PROFILE", "dualnet-ci"))

INTS = ("uint8", "int8", "int16", "int32", "int64")
FLOATS = ("float16", "float32", "float64")
NUMERIC = INTS + FLOATS
ALL = ("bool", *NUMERIC)

# Relative and absolute tolerance of one rounding-level op in each float dtype (a few ulps).
TOLERANCE = {"float16": (2e-3, 2e-3), "float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)}


def shapes(min_dims: int = 0, max_dims: int = 4, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes with 0-size axes and scalars (0 dims) included."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side)


def elements(dtype: str, low: float = -10, high: float = 10) -> st.SearchStrategy[Any]:
    """Values of ``dtype`` in ``[low, high]`` (clipped to the dtype's range); no nan, inf or subnormals."""
    if dtype == "bool":
        return st.booleans()
    if dtype in INTS:
        info = np.iinfo(dtype)
        return st.integers(max(int(np.ceil(low)), int(info.min)), min(int(np.floor(high)), int(info.max)))
    kind = np.dtype(dtype).type
    lo, hi = kind(low), kind(high)  # the bounds rounded inward to values the dtype holds
    lo = lo if lo >= low else np.nextafter(lo, kind(np.inf))
    hi = hi if hi <= high else np.nextafter(hi, kind(-np.inf))
    return st.floats(
        float(lo),
        float(hi),
        width=np.dtype(dtype).itemsize * 8,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )


def arrays(dtype: str, shape: Any, low: float = -10, high: float = 10) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of ``dtype`` and ``shape`` (a tuple or a strategy) with values in ``[low, high]``."""
    return hnp.arrays(np.dtype(dtype), shape, elements=elements(dtype, low, high))


def axes(ndim: int, allow_none: bool = True) -> st.SearchStrategy[Any]:
    """An ``axis`` for a rank-``ndim`` tensor: None, an int or a tuple of distinct ints; any may be negative."""
    options: list[st.SearchStrategy[Any]] = [st.just(())]
    if allow_none:
        options.append(st.none())
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        options.append(
            st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
                lambda picked: st.tuples(*[st.sampled_from([a, a - ndim]) for a in picked])
            )
        )
    return st.one_of(*options)


def normalize_axis(axis: Any, ndim: int) -> Any:
    """``axis`` with negative entries made positive (NumPy takes tuples; ints stay ints)."""
    if axis is None:
        return None
    if isinstance(axis, int):
        return axis % ndim
    return tuple(a % ndim for a in axis)


def tensor(x: np.ndarray) -> Any:
    """A native tensor holding ``x`` with its dtype (0-d arrays stay 0-d)."""
    return dn.ops.convert_to_tensor(np.asarray(x))


def assert_matches(result: Any, expected: Any, rtol: float | None = None, atol: float | None = None) -> None:
    """``result`` has NumPy's ``expected`` shape and dtype, and its values (nan equal to nan) within the tolerance.

    The default tolerance is :data:`TOLERANCE` of the expected dtype; integers and bools must be equal.
    """
    expected = np.asarray(expected)
    assert dn.ops.is_tensor(result), f"expected a native tensor, got {type(result).__name__}"
    assert dn.ops.shape(result) == expected.shape, f"shape {dn.ops.shape(result)} != {expected.shape}"
    assert dn.ops.dtype(result) == expected.dtype.name, f"dtype {dn.ops.dtype(result)} != {expected.dtype.name}"
    got = dn.ops.to_numpy(result)
    if expected.dtype.kind == "f":
        default = TOLERANCE[expected.dtype.name]
        np.testing.assert_allclose(
            got,
            expected,
            rtol=default[0] if rtol is None else rtol,
            atol=default[1] if atol is None else atol,
        )
    else:
        np.testing.assert_array_equal(got, expected)
