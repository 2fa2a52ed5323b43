"""Precision policies: bf16-mixed trains like float32, variables stay float32, compute runs in bfloat16."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from dualnet.train import LossScaler, Policy, Trainer
from dualnet.train.precision import Autocast
from tests.train.problems import X, Y, mlp, regression_trainer


def test_bf16_mixed_trains_the_mlp_within_2_percent_of_float32(backend: str) -> None:
    final = {}
    for precision in ("float32", "bf16-mixed"):
        dn.seed(0)
        trainer = regression_trainer(precision=precision)
        final[precision] = trainer.fit(X, Y, epochs=8, batch_size=16, verbose=0).history["loss"][-1]
        assert all(dtype == "float32" for dtype in map(B.dtype, trainer.model.parameters()))
    assert final["bf16-mixed"] == pytest.approx(final["float32"], rel=0.02), final


class Probe(dn.nn.Module):
    """A Dense layer after a LayerNorm that records the dtypes it computes with."""

    def __init__(self) -> None:
        super().__init__()
        self.norm = dn.nn.LayerNorm()
        self.fc = dn.nn.Dense(1, in_features=6)
        self.norm(np.zeros((1, 6), "float32"))
        self.seen: list[tuple[str, str, str]] = []

    def forward(self, x: Any) -> Any:
        h = self.norm(x)
        self.seen.append((B.dtype(x), B.dtype(self.fc.kernel), B.dtype(self.norm.gamma)))
        return self.fc(h)


def test_bf16_mixed_computes_in_bfloat16_and_returns_float32(backend: str) -> None:
    model = Probe()
    trainer = Trainer(model, dn.optim.SGD(model.parameters(), lr=0.01), "mse", precision="bf16-mixed")
    trainer.fit(X, Y, epochs=1, batch_size=48, verbose=0)
    # inputs and the Dense kernel in bfloat16; the normalisation layer keeps its float32 weights (Keras's rule)
    assert model.seen[-1] == ("bfloat16", "bfloat16", "float32")
    assert trainer.predict(X[:4]).dtype == np.float32
    assert B.is_variable(model.fc.kernel) and B.dtype(model.fc.kernel) == "float32"


def test_autocast_scope_restores_the_variables_even_on_error(backend: str) -> None:
    model = mlp()
    kernel = model[0].kernel
    autocast = Autocast(model, "bfloat16")
    assert autocast.size == 4
    with pytest.raises(RuntimeError, match="inside"), autocast.scope():
        assert B.dtype(model[0].kernel) == "bfloat16" and not B.is_variable(model[0].kernel)
        raise RuntimeError("inside")
    assert model[0].kernel is kernel
    assert all(B.is_variable(p) for p in (model[0].bias, model[1].kernel, model[1].bias))


def test_fp16_mixed_needs_cuda(backend: str) -> None:
    with pytest.raises(dn.UnsupportedError, match=rf"backend '{backend}' trains on device 'cpu'.*bf16-mixed"):
        regression_trainer(precision="fp16-mixed", device="cpu")


def test_unknown_precision(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"unknown precision.*'bf16-mixed'"):
        regression_trainer(precision="float16")


def test_loss_scaler_skips_non_finite_steps_and_adapts_the_scale(backend: str) -> None:
    scaler = LossScaler(init_scale=8.0, interval=2)
    steps: list[list[np.ndarray]] = []

    def step(grads: list[Any]) -> None:
        steps.append([B.to_numpy(g) for g in grads])

    assert float(B.to_numpy(scaler.scale(B.convert_to_tensor(1.5)))) == 12.0
    good = [B.convert_to_tensor(np.array([8.0, 16.0], "float32"))]
    assert bool(B.to_numpy(scaler.apply(good, step)))
    np.testing.assert_array_equal(steps[-1][0], [1.0, 2.0])  # unscaled
    assert scaler.value == 8.0
    scaler.apply(good, step)
    assert scaler.value == 16.0  # two good steps in a row: doubled
    bad = [B.convert_to_tensor(np.array([np.inf, 1.0], "float32"))]
    assert not bool(B.to_numpy(scaler.apply(bad, step)))
    assert len(steps) == 2 and scaler.value == 8.0  # skipped, halved


def test_loss_scaling_inside_the_compiled_step(backend: str) -> None:
    # fp16-mixed's scaling path on a float32 policy (runs on CPU): a power-of-two scale changes no number, and a
    # batch with non-finite gradients is skipped and halves the scale.
    scaled_policy = Policy("float32-scaled", "float32", loss_scaling=True)
    dn.seed(0)
    plain = regression_trainer()
    plain.fit(X, Y, epochs=2, batch_size=32, shuffle=False, verbose=0)
    dn.seed(0)
    scaled = regression_trainer(precision=scaled_policy)
    scaled.fit(X, Y, epochs=2, batch_size=32, shuffle=False, verbose=0)
    for name, value in plain.model.state_dict().items():
        np.testing.assert_allclose(scaled.model.state_dict()[name], value, rtol=1e-6, atol=1e-7)
    assert scaled._scaler is not None and scaled._scaler.value == 2.0**15
    poisoned = X.copy()
    poisoned[40] = np.inf  # in the second batch
    before = scaled.model.state_dict()
    scaled.fit(poisoned, Y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    assert scaled._scaler.value == 2.0**14 and scaled.optimizer.iterations == 6 + 2
    after = scaled.model.state_dict()
    assert all(np.isfinite(v).all() for v in after.values())
    assert not np.array_equal(before["0.kernel"], after["0.kernel"])
