"""A float64 gradient check against central differences of a NumPy reference, shared by the ops tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import dualnet as dn
from dualnet.backend.dispatch import B


def check_gradients(
    op: Callable[..., Any], ref: Callable[..., Any], inputs: Sequence[np.ndarray], eps: float = 1e-6, tol: float = 1e-6
) -> None:
    """The backend's gradient of ``sum(w * op(*inputs))`` equals central differences of ``ref`` (float64)."""
    xs = [np.asarray(x, np.float64) for x in inputs]
    w = np.random.default_rng(0).standard_normal(np.shape(ref(*xs)))
    _, _, grads = B.value_and_grad(
        lambda ts: dn.ops.sum(dn.ops.multiply(op(*ts), w)), [], [dn.ops.convert_to_tensor(x) for x in xs], False
    )
    for k, x in enumerate(xs):
        expected = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            up, down = [a.copy() for a in xs], [a.copy() for a in xs]
            up[k][i] += eps
            down[k][i] -= eps
            expected[i] = (np.sum(w * ref(*up)) - np.sum(w * ref(*down))) / (2 * eps)
        got = dn.ops.to_numpy(grads[k])
        assert dn.ops.dtype(grads[k]) == "float64"
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, err_msg=f"gradient of input {k}")
