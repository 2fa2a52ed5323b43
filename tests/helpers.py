"""Assertions shared by the tests."""

from __future__ import annotations

from typing import Any

import numpy as np

import dualnet as dn

# The limit on every subprocess and wait in the tests: it only stops a process that hangs, so it is far above
# any run's time on a loaded machine; a test fails on wrong results, never because the machine is slow.
HANG_LIMIT_S = 900


def assert_matches_numpy(result: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-6) -> None:
    """``result`` (a native tensor) has the shape, dtype and values of NumPy's ``expected``."""
    expected = np.asarray(expected)
    assert dn.ops.is_tensor(result), f"expected a native tensor, got {type(result).__name__}"
    assert dn.ops.shape(result) == expected.shape, f"shape {dn.ops.shape(result)} != {expected.shape}"
    assert dn.ops.dtype(result) == expected.dtype.name, f"dtype {dn.ops.dtype(result)} != {expected.dtype.name}"
    got = dn.ops.to_numpy(result)
    if expected.dtype.kind in "fc":
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    else:
        np.testing.assert_array_equal(got, expected)
