"""The same seed and epoch give the same batches on torch and tensorflow (NumPy does the shuffling)."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.data import DataLoader

pytestmark = pytest.mark.skipif(
    not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both backends"
)


def _batches(backend: str, loader: DataLoader, epoch: int) -> list[tuple[np.ndarray, np.ndarray]]:
    dn.set_backend(backend)
    loader.set_epoch(epoch)
    out = []
    for x, y in loader:
        assert type(x).__module__.split(".")[0] == backend
        out.append((dn.ops.to_numpy(x), dn.ops.to_numpy(y)))
    return out


def test_shuffled_batches_match_across_backends() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((37, 4)).astype("float32"), rng.integers(0, 3, 37)
    loader = DataLoader((x, y), batch_size=8, shuffle=True, seed=5)
    for epoch in (0, 3):
        on_torch = _batches("torch", loader, epoch)
        on_tf = _batches("tensorflow", DataLoader((x, y), batch_size=8, shuffle=True, seed=5), epoch)
        assert len(on_torch) == len(on_tf) == 5
        for (xt, yt), (xf, yf) in zip(on_torch, on_tf):
            np.testing.assert_array_equal(xt, xf)
            np.testing.assert_array_equal(yt, yf)
    assert not np.array_equal(_batches("torch", loader, 0)[0][1], _batches("torch", loader, 3)[0][1])
