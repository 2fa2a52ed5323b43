"""Training on CUDA: the same losses as on the CPU (eager and jit), mixed precision, batches from data loaders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.cuda.helpers import LABELS, STAND_IN, X, devices_of, exact_float32, fit_losses, mlp, needs_gpu, trainer_on

pytestmark = pytest.mark.cuda

skip_jit_in_dry_run = pytest.mark.skipif(
    bool(STAND_IN), reason="torch.compile on the CPU is covered by tests/train; too slow for the dry run"
)


@pytest.mark.parametrize("jit", [False, pytest.param(True, marks=skip_jit_in_dry_run)], ids=["eager", "jit"])
@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_fit_on_the_gpu_gives_the_cpu_losses(gpu: str, kind: str, jit: bool) -> None:
    # Same seed: bit-identical initial weights (drawn in NumPy) and the same shuffled batches on both devices.
    with exact_float32():
        cpu = fit_losses("cpu", kind)
        on_gpu = fit_losses(gpu, kind, jit=jit)
    assert cpu[-1] < cpu[0], cpu  # it trained, so equal losses mean equal steps
    np.testing.assert_allclose(on_gpu, cpu, rtol=1e-4, atol=1e-6)


def test_bf16_mixed_on_the_gpu_trains_like_float32(gpu: str) -> None:
    float32 = fit_losses(gpu, "mlp", epochs=4)
    trainer = trainer_on(gpu, precision="bf16-mixed")
    bf16 = trainer.fit(X, LABELS, epochs=4, batch_size=16, verbose=0).history["loss"]
    assert bf16[-1] == pytest.approx(float32[-1], rel=0.03), (bf16, float32)
    params = trainer.model.parameters()
    assert {B.dtype(p) for p in params} == {"float32"} and devices_of(params) == {gpu}
    assert trainer.predict(X[:4]).dtype == np.float32


@needs_gpu
def test_fp16_mixed_skips_an_overflowing_step_and_halves_the_scale(gpu: str) -> None:
    dn.seed(0)
    with dn.device(gpu):
        model = _Scaled(mlp())
        trainer = dn.Trainer(
            model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", precision="fp16-mixed", device=gpu
        )
    losses = trainer.fit(X, LABELS, epochs=3, batch_size=16, shuffle=False, verbose=0).history["loss"]
    assert losses[-1] < losses[0], losses
    scaler = trainer._scaler
    assert scaler is not None
    scale, steps = scaler.value, trainer.optimizer.iterations
    assert steps > 0 and scale >= 2.0**8, (steps, scale)
    before = model.state_dict()
    model.factor = 1e4  # logits (or their gradients, times the loss scale) now overflow float16's 65504
    trainer.fit(X[:16], LABELS[:16], epochs=1, batch_size=16, shuffle=False, verbose=0)
    assert trainer._scaler is scaler and scaler.value == scale / 2
    assert trainer.optimizer.iterations == steps, "the overflowing step was applied"
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


class _Scaled(dn.nn.Module):
    """``inner(x) * factor`` (factor 1 at first): raising the factor makes a step overflow in float16."""

    def __init__(self, inner: dn.nn.Module) -> None:
        super().__init__()
        self.inner, self.factor = inner, 1.0

    def forward(self, x: Any) -> Any:
        return dn.ops.multiply(self.inner(x), self.factor)


class _Recording(dn.Trainer):
    """A Trainer that notes the device of each training batch's inputs, then runs the default step."""

    seen: list[str]

    def train_step(self, batch: Any) -> dict[str, Any]:
        self.seen.append(dn.ops.device_of(batch[0]))
        return super().train_step(batch)


def test_dualnet_data_loader_batches_land_on_the_gpu(gpu: str) -> None:
    loader = dn.data.DataLoader((X, LABELS), batch_size=32, shuffle=True, seed=0)
    # the scope where iteration starts decides, also for the prefetch thread; on a GPU machine cpu is not the default
    for device in (gpu, "cpu"):
        with dn.device(device):
            batches = list(loader)
        assert len(batches) == 3 and devices_of(t for batch in batches for t in batch) == {device}
    trainer = trainer_on(gpu, cls=_Recording)
    trainer.seen = []
    trainer.fit(dn.data.DataLoader((X, LABELS), batch_size=32), epochs=1, verbose=0)
    assert trainer.seen == [gpu] * 3


def test_a_pinned_torch_data_loader_feeds_the_gpu(gpu: str) -> None:
    import torch  # the native loader itself: dualnet adapts it (pinned host memory, non-blocking copies)

    dataset = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(LABELS))
    loader = torch.utils.data.DataLoader(dataset, batch_size=32, pin_memory=gpu != "cpu")
    trainer = trainer_on(gpu, cls=_Recording)
    trainer.seen = []
    history = trainer.fit(loader, epochs=2, verbose=0)
    assert trainer.seen == [gpu] * 6 and np.isfinite(history.history["loss"]).all()
