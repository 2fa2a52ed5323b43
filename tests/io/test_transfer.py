"""Weights torch -> tensorflow -> torch: bit-identical arrays, predictions within 1e-5 after each transfer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry

pytestmark = pytest.mark.skipif(
    not all(map(registry.is_installed, ("torch", "tensorflow"))), reason="needs both backends"
)

X = np.random.default_rng(5).standard_normal((2, 6, 6, 3)).astype("float32")


class ConvLSTMAttention(dn.nn.Module):
    """``(n, 6, 6, 3)`` image -> Conv2D + BatchNorm -> 6-step sequence -> LSTM -> self-attention -> Dense ``(n, 3)``."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = dn.nn.Conv2D(4, 3, padding="same", activation="relu")
        self.norm = dn.nn.BatchNorm()
        self.to_sequence = dn.nn.Reshape((6, 24))
        self.lstm = dn.nn.LSTM(8, return_sequences=True)
        self.attention = dn.nn.MultiHeadAttention(num_heads=2, key_dim=4)
        self.pool = dn.nn.GlobalAvgPool1D()
        self.head = dn.nn.Dense(3)

    def forward(self, x: object) -> object:
        h = self.lstm(self.to_sequence(self.norm(self.conv(x))))
        return self.head(self.pool(self.attention(h, h)))


def _built(backend: str) -> dn.nn.Module:
    dn.set_backend(backend)
    model = ConvLSTMAttention()
    model(X)
    model.eval()
    return model


def _predict(model: dn.nn.Module) -> np.ndarray:
    return np.asarray(dn.ops.to_numpy(model(dn.ops.convert_to_tensor(X))))


def test_torch_tensorflow_torch_is_bit_identical(tmp_path: Path) -> None:
    try:
        dn.seed(1)
        source = _built("torch")
        # A few training-mode calls move BatchNorm's running statistics off their initial values.
        source.train()
        for _ in range(2):
            source(dn.ops.convert_to_tensor(X))
        source.eval()
        original, expected = source.state_dict(), _predict(source)
        source.save_weights(tmp_path / "torch.safetensors")

        dn.seed(2)  # different initial weights, so the load must replace them all
        middle = _built("tensorflow")
        middle.load_weights(tmp_path / "torch.safetensors")
        np.testing.assert_allclose(_predict(middle), expected, rtol=1e-5, atol=1e-5)
        middle.save_weights(tmp_path / "tensorflow.safetensors")
        transferred = middle.state_dict()

        dn.seed(3)
        back = _built("torch")
        back.load_weights(tmp_path / "tensorflow.safetensors")
        np.testing.assert_allclose(_predict(back), expected, rtol=1e-5, atol=1e-5)
        assert sorted(back.state_dict()) == sorted(original)
        for name, value in original.items():
            assert transferred[name].dtype == value.dtype and transferred[name].shape == value.shape, name
            np.testing.assert_array_equal(transferred[name], value, err_msg=name)
            np.testing.assert_array_equal(back.state_dict()[name], value, err_msg=name)
        assert any(".running_mean" in n or "moving_mean" in n or "mean" in n for n in original)
    finally:
        dn.set_backend("torch")
